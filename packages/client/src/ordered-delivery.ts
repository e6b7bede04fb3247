import type { LinkHandlers } from './client-link.js';

/** What a delivery controls of its transport. */
export interface DeliveryControls {
  pause(): void;
  resume(): void;
  /** The data handler failed: the connection ends with that failure. */
  fail(error: unknown): void;
}

/**
 * Hands received chunks to a data handler one at a time, in order: while the promise it returned
 * is pending, the transport is paused and whatever it still emits waits here. `idle()` resolves
 * once everything received has been handed over, so a link reports its end only after its data.
 */
export class OrderedDelivery {
  readonly #onData: LinkHandlers['onData'];
  readonly #controls: DeliveryControls;
  readonly #waiting: Buffer[] = [];
  #busy = false;
  #failed = false;
  #onIdle: (() => void) | null = null;

  constructor(onData: LinkHandlers['onData'], controls: DeliveryControls) {
    this.#onData = onData;
    this.#controls = controls;
  }

  push(chunk: Buffer): void {
    if (this.#failed) return;
    if (this.#busy) this.#waiting.push(chunk);
    else void this.#deliver(chunk);
  }

  idle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => (this.#onIdle = resolve));
  }

  /** True when the handler is still busy with `chunk` (it returned a promise). */
  #deliver(chunk: Buffer): boolean {
    const pending = this.#onData?.(chunk);
    if (pending === undefined) return false;
    this.#busy = true;
    this.#controls.pause();
    pending.then(
      () => this.#next(),
      (error: unknown) => {
        this.#failed = true;
        this.#settle();
        this.#controls.fail(error);
      },
    );
    return true;
  }

  #next(): void {
    this.#busy = false;
    for (let chunk = this.#waiting.shift(); chunk !== undefined; chunk = this.#waiting.shift()) {
      if (this.#deliver(chunk)) return;
    }
    this.#controls.resume();
    this.#settle();
  }

  #settle(): void {
    this.#busy = false;
    this.#waiting.length = 0;
    const onIdle = this.#onIdle;
    this.#onIdle = null;
    onIdle?.();
  }
}
