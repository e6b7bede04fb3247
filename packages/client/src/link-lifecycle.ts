import { ClientError } from './client-error.js';
import type { ConnectionEnding, LinkOptions } from './client-link.js';
import { formatServerAddress } from './server-address.js';
import type { ServerAddress } from './server-address.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** What a transport saw when its connection closed. */
export interface ObservedClose {
  /** An error of the connection, e.g. ECONNRESET or a WebSocket close code other than 1000. */
  readonly failure: { readonly code: string; readonly reason: string } | null;
  /** The close was clean (the server's FIN or close 1000, or the close this side asked for). */
  readonly clean: boolean;
  /** The error behind `failure`, kept as the cause of a failed connect. */
  readonly error?: unknown;
}

export interface Cut {
  readonly failure: ObservedClose['failure'];
  /** Why connecting failed, if it had not finished. */
  readonly reason: string;
}

/**
 * The part of a link every transport shares: `opened` and `closed` settled exactly once, the
 * connect timeout, the abort signal, and which ending wins when several causes meet.
 */
export class LinkLifecycle {
  readonly opened: Promise<void>;
  readonly closed: Promise<ConnectionEnding>;
  readonly #address: ServerAddress;
  readonly #destroy: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.cut({ failure: null, reason: 'interrupted' });
  #resolveOpened: () => void = () => undefined;
  #rejectOpened: (error: ClientError) => void = () => undefined;
  #resolveClosed: (ending: ConnectionEnding) => void = () => undefined;
  #timer: NodeJS.Timeout | undefined;
  #open = false;
  #settled = false;
  #cut: Cut | null = null;

  constructor(address: ServerAddress, options: LinkOptions, destroy: () => void) {
    this.#address = address;
    this.#destroy = destroy;
    this.#signal = options.signal;
    this.opened = new Promise((resolve, reject) => {
      this.#resolveOpened = resolve;
      this.#rejectOpened = reject;
    });
    // Nobody need await `opened` (a writer can be fire-and-forget): its failure shows in `closed`.
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const timeout = `no answer within ${timeoutMs / 1000} s`;
    this.#timer = setTimeout(
      () => this.cut({ failure: { code: 'ETIMEDOUT', reason: timeout }, reason: timeout }),
      timeoutMs,
    );
  }

  /** Call once the transport exists: a signal already aborted cuts it at once. */
  watchSignal(): void {
    if (this.#signal?.aborted === true) this.#onAbort();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get isSettled(): boolean {
    return this.#settled || this.#cut !== null;
  }

  markOpen(): void {
    clearTimeout(this.#timer);
    this.#open = true;
    this.#resolveOpened();
  }

  /** Ends the connection from this side: an abort (no failure) or a timeout. */
  cut(cut: Cut = { failure: null, reason: 'interrupted' }): void {
    if (this.#settled || this.#cut !== null) return;
    this.#cut = cut;
    this.#destroy();
  }

  markClosed(observed: ObservedClose): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    // What this side did is the cause: a transport may report its own abort as an error.
    const failure = this.#cut === null ? observed.failure : this.#cut.failure;
    const ending: ConnectionEnding =
      failure !== null
        ? { kind: 'failed', ...failure }
        : this.#cut === null && observed.clean
          ? { kind: 'end' }
          : { kind: 'aborted' };
    if (!this.#open) {
      const why = this.#cut?.reason ?? failure?.reason ?? 'the connection closed';
      const message = `cannot connect to ${formatServerAddress(this.#address)}: ${why}`;
      this.#rejectOpened(new ClientError('SERVER_UNREACHABLE', message, { cause: observed.error }));
    }
    this.#resolveClosed(ending);
  }
}

/** A data handler that failed (say, a full disk) ends its connection with that failure. */
export function handlerFailure(error: unknown): Cut {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EHANDLER';
  return { failure: { code, reason }, reason };
}
