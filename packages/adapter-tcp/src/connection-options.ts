/**
 * How every connection of a listener (TCP or WebSocket) behaves once accepted. All values are
 * milliseconds; each one is optional and falls back to the default named in its comment.
 */
export interface ConnectionOptions {
  /**
   * How long `end()` keeps the connection open after the last written byte was flushed, before
   * closing it (spec §1.6: the "short replay bug" workaround). Input is drained meanwhile.
   * `end({ linger: false })` skips it (shutdown). Default 1000.
   */
  readonly lingerMs?: number;
  /**
   * How long a peer may leave the outgoing buffer full (no 'drain') before it is dropped as a
   * reader that cannot keep up. Bounds the memory a slow reader can hold. Default 60_000.
   */
  readonly slowReaderTimeoutMs?: number;
  /**
   * After our FIN (TCP) or close frame (WebSocket), how long `end()` waits for the peer to
   * close its side before destroying the connection. Default 5000.
   */
  readonly closeTimeoutMs?: number;
}

export type ResolvedConnectionOptions = Readonly<Required<ConnectionOptions>>;

export const defaultConnectionOptions: ResolvedConnectionOptions = Object.freeze({
  lingerMs: 1000,
  slowReaderTimeoutMs: 60_000,
  closeTimeoutMs: 5000,
});

/** Fills in defaults and rejects values no timer can honour, naming the offending key. */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  const resolved = {
    lingerMs: options.lingerMs ?? defaultConnectionOptions.lingerMs,
    slowReaderTimeoutMs: options.slowReaderTimeoutMs ?? defaultConnectionOptions.slowReaderTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? defaultConnectionOptions.closeTimeoutMs,
  };
  for (const [key, value] of Object.entries(resolved)) checkDurationMs(key, value);
  return Object.freeze(resolved);
}

/** Throws a `RangeError` naming `key` unless `value` is a finite number of ms that fits a timer. */
export function checkDurationMs(key: string, value: number): void {
  // Node clamps larger delays to 1 ms, which would turn a long timeout into an immediate one.
  const maxTimerMs = 2 ** 31 - 1;
  if (!Number.isFinite(value) || value < 0 || value > maxTimerMs) {
    throw new RangeError(`${key} must be a number of milliseconds in [0, ${maxTimerMs}], got ${value}`);
  }
}
