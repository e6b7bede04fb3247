/**
 * One incoming client connection, as the core sees it: bytes in, bytes out with backpressure,
 * then a close. The TCP and WebSocket adapters (and the in-memory pipe of `core/testing`) turn
 * their transports into this shape, so the core never touches a socket.
 */
export interface ByteConnection {
  /** A short random id, for logs. */
  readonly id: string;
  /** Where the connection comes from, for logs, e.g. `tcp 127.0.0.1:50123` or `ws [::1]:50124`. */
  readonly peer: string;
  /**
   * The received bytes, in order. Iterate it at most once.
   * - It returns at a clean end of stream (TCP FIN, WebSocket close code 1000).
   * - It throws a `ConnectionError` on an abnormal end (reset, any other WebSocket close code,
   *   `destroy()`); the bytes yielded before it stay valid.
   * - Yielded chunks belong to the consumer: the adapter never reuses or mutates them.
   * - Message boundaries carry no meaning.
   */
  readonly incoming: AsyncIterable<Uint8Array>;
  /**
   * Sends bytes. Resolves once the transport can take more (backpressure): a caller that awaits
   * every write buffers at most one chunk per connection. Rejects with a `ConnectionError` once
   * the connection is closed, or when the adapter dropped it as a reader that could not keep up.
   * The caller must not mutate `bytes` afterwards.
   */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Ends the connection gracefully: flush what was written, linger briefly, then close without a
   * reset. Idempotent; resolves when the connection is closed.
   */
  end(): Promise<void>;
  /** Closes at once, discarding unsent bytes (forced timeout, shutdown of a stuck peer). Idempotent. */
  destroy(): void;
}
