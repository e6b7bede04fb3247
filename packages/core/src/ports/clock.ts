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
