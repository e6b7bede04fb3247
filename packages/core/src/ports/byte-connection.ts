import type { ConnectionError } from '../errors.js';

/**
 * Where a connection's received bytes go in push mode (`ByteConnection.receive`). Every method
 * is called synchronously from the transport's own callback, so a receiver must not block; it
 * owns each chunk it is given (copy what must be kept, or keep the chunk itself). After `end`
 * or `fail`, nothing more is delivered.
 */
export interface ByteReceiver {
  data(chunk: Uint8Array): void;
  /** A clean end of stream (TCP FIN, WebSocket close code 1000). */
  end(): void;
  /** An abnormal end (reset, another WebSocket close code, `destroy()`). */
  fail(error: ConnectionError): void;
}

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
   * Push mode, the fast path: every received chunk goes to `receiver` as it arrives, without a
   * promise per chunk and without backpressure. Chunks queued but not yet taken through
   * `incoming` are delivered first, so a consumer may read a few chunks through `incoming`
   * (with no `next()` pending), then switch. Called at most once; `incoming` yields nothing more
   * afterwards. The end of stream comes as `receiver.end()` or `receiver.fail()`, exactly once.
   */
  receive(receiver: ByteReceiver): void;
  /**
   * Sends bytes. Resolves once the transport can take more (backpressure): a caller that awaits
   * every write buffers at most one chunk per connection. Rejects with a `ConnectionError` once
   * the connection is closed, or when the adapter dropped it as a reader that could not keep up.
   * The caller must not mutate `bytes` afterwards.
   */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Ends the connection gracefully: flush what was written, linger briefly, then close without a
   * reset. Idempotent; resolves when the connection is closed. With `linger: false` (shutdown)
   * it closes as soon as the bytes are flushed, still without a reset, and cuts short the linger
   * of an `end()` already under way.
   */
  end(options?: { readonly linger?: boolean }): Promise<void>;
  /** Closes at once, discarding unsent bytes (forced timeout, shutdown of a stuck peer). Idempotent. */
  destroy(): void;
}
