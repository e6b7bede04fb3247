/** The default bound of a storage operation without progress (`storage.io_timeout_s`). */
export const DEFAULT_IO_TIMEOUT_MS = 60_000;

/** A bound must be a positive number of milliseconds: anything else would disable it or fire at once. */
export function checkedTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`the I/O timeout must be a positive number of ms, got ${ms}`);
  }
  return ms;
}

/** A storage operation made no progress for its bound (a hung disk, a mount that never answers). */
export class IoTimeoutError extends Error {
  readonly code = 'IO_TIMEOUT';

  constructor(what: string, idleMs: number) {
    super(`${what}: no progress for ${idleMs} ms`);
    this.name = 'IoTimeoutError';
  }
}

/**
 * Fires when an operation makes no progress for `idleMs`: each storage call that completes, and
 * each chunk that moves, starts the bound again. A bound on progress rather than on the whole
 * operation, so that a large replay compressing at a high level is not cut while it advances.
 */
export class IoWatchdog {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #fired: Promise<never>;

  constructor(idleMs: number, what: string) {
    this.#fired = new Promise<never>((_resolve, reject) => {
      this.#controller.signal.addEventListener('abort', () => {
        reject(this.#controller.signal.reason as Error);
      });
    });
    this.#fired.catch(() => undefined);
    this.#timer = setTimeout(() => this.#controller.abort(new IoTimeoutError(what, idleMs)), idleMs);
  }

  /** Aborts (with the `IoTimeoutError` as reason) when the bound passes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Rejects with the `IoTimeoutError` when the bound passes. */
  get fired(): Promise<never> {
    return this.#fired;
  }

  /** Progress was made: the bound starts again. */
  kick(): void {
    if (!this.signal.aborted) this.#timer.refresh();
  }

  /** Runs one storage call, then counts it as progress; refuses to start once the bound has passed. */
  async step<T>(call: () => Promise<T>): Promise<T> {
    this.signal.throwIfAborted();
    const result = await call();
    this.kick();
    return result;
  }

  /** Yields `chunks`, counting each one as progress. */
  async *watch<T>(chunks: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T, void, undefined> {
    for await (const chunk of chunks) {
      this.signal.throwIfAborted();
      this.kick();
      yield chunk;
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * Runs `work` under a watchdog and rejects with an `IoTimeoutError` as soon as it stalls, without
 * waiting for it: a call stuck in the kernel cannot be cancelled, so `work` finishes (and cleans up
 * after itself) in the background, and its later steps refuse to start.
 */
export async function withIoTimeout<T>(
  idleMs: number,
  what: string,
  work: (watchdog: IoWatchdog) => Promise<T>,
): Promise<T> {
  const watchdog = new IoWatchdog(idleMs, what);
  const running = work(watchdog);
  try {
    return await Promise.race([running, watchdog.fired]);
  } finally {
    watchdog.stop();
    running.catch(() => undefined);
  }
}
