import type { HorizonMerge } from '../merge/index.js';
import type { Clock } from '../ports/clock.js';
import { WAIT_CANCELLED } from './wait-cancelled.js';

/**
 * Wakes the merge exactly when it has something to decide: at the next horizon it names, or, when
 * it waits for nothing, at the next data. One timer per replay at most, never one per chunk.
 */
export class DecideLoop {
  readonly #clock: Clock;
  readonly #merge: HorizonMerge;
  #stopped = false;
  #idle = false;
  #wake: (() => void) | undefined;

  constructor(clock: Clock, merge: HorizonMerge) {
    this.#clock = clock;
    this.#merge = merge;
  }

  /** Decides until `stop()`. */
  async run(): Promise<void> {
    while (!this.#stopped) {
      const nowMs = this.#clock.now();
      this.#merge.decide(nowMs);
      const wakeMs = this.#merge.nextWakeMs(nowMs);
      this.#idle = wakeMs === undefined;
      await this.#until(wakeMs === undefined ? undefined : Math.max(0, wakeMs - nowMs));
    }
  }

  /** New data: matters only while the merge waits for nothing (later data is never due earlier). */
  dataArrived(): void {
    if (this.#idle) this.poke();
  }

  /** Something other than time changed (a writer left): decide now. */
  poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    this.poke();
    return Promise.resolve();
  }

  async #until(delayMs: number | undefined): Promise<void> {
    const timer = new AbortController();
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (delayMs !== undefined) void this.#clock.sleep(delayMs, timer.signal).then(resolve);
    });
    this.#wake = undefined;
    this.#idle = false;
    timer.abort(WAIT_CANCELLED);
  }
}
