import type { ConnectionError } from '../errors.js';

/**
 * Where a connection's received bytes go in push mode (`ByteConnection.receive`). Every method
 * is called synchronously from the transport's own callback, so a receiver must not block. A
 * chunk is lent, not given: it is valid only until `data` returns (the TCP adapter reads every
 * socket into one reused buffer), so a receiver copies what it keeps. After `end` or `fail`,
 * nothing more is delivered.
 */
export interface ByteReceiver {
  /** `chunk` may be overwritten as soon as this returns. */
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
   * Where a reader asks to start: a byte offset of the whole stream (SCFA header included), when
   * its transport can say so (`?offset=N` in a WebSocket URL). Undefined: from the start.
   */
  readonly readFrom?: number | undefined;
  /**
   * Starts reading: every received chunk goes to `receiver` as it arrives, without a promise per
   * chunk and without backpressure (a writer is read as fast as it sends; a reader's input is
   * drained). Chunks that arrived before the call are delivered first. Called at most once. The
   * end comes as exactly one `receiver.end()` (TCP FIN, WebSocket close 1000) or
   * `receiver.fail()` (reset, any other close code, `destroy()`); the bytes delivered before it
   * still count. Message boundaries carry no meaning; a chunk is valid only during `receiver.data`.
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
