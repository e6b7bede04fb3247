/**
 * Time, for the core. The server uses the system clock; tests use `ManualClock` from
 * `core/testing`, so every timeline runs without sleeping on real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds, or as soon as `signal` aborts (it then resolves too, never
   * rejects: the caller checks `signal.aborted`). Sleeps of equal deadline resolve in call order.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A platform's timers, as `timerClock` needs them (Node's `setTimeout` and `clearTimeout`). */
export interface Timers<Handle> {
  now(): number;
  setTimeout(callback: () => void, ms: number): Handle;
  clearTimeout(handle: Handle): void;
}

/**
 * The `Clock` over a platform's timers: the server's (the app passes Node's) and that of tests
 * that run a server in real time. A sleep is a plain timer and an abort listener, so cancelling
 * one (the decide loop does so at every tick of every game) creates no error object, where
 * `timers/promises` would build an `AbortError`, stack trace and all, only for it to be caught.
 */
export function timerClock<Handle>(timers: Timers<Handle>): Clock {
  return Object.freeze({
    now: () => timers.now(),
    sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise<void>((resolve) => {
        if (signal?.aborted === true) {
          resolve();
          return;
        }
        const onAbort = (): void => {
          timers.clearTimeout(handle);
          resolve();
        };
        const handle = timers.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  });
}
