import type { ConnectionError } from '@faf-replay/core';
import type { PausableSource } from './incoming-chunks.js';

/** What a transport reports to its connection. */
export interface TransportEvents {
  /** `chunk` is valid only until this returns: a transport may read into the same memory again. */
  data(chunk: Uint8Array): void;
  /** Clean end of input: TCP FIN, WebSocket close 1000. */
  end(): void;
  /** Abnormal end of input (reset, other close code); may be followed by `closed`. */
  abort(error: ConnectionError): void;
  /** The outgoing buffer emptied after `sendState` was `'full'`: sending may go on. */
  drain(): void;
  /** The transport is fully closed; nothing more can be sent or received. */
  closed(): void;
}

/**
 * Whether the transport takes more bytes: `'ready'`; `'full'` (past its high-water mark) until
 * the next `drain` event; `'closed'` once nothing can be sent any more, even before `closed`.
 */
export type SendState = 'ready' | 'full' | 'closed';

/**
 * One technology's way to move bytes (raw TCP, WebSocket, an HTTP response, a connection
 * forwarded from another node), reduced to what `TransportConnection` needs. It exposes no
 * socket: it reports its own backpressure (`sendState`, `drain`), so the slow-reader drop and
 * the linger work the same over any of them.
 */
export interface Transport extends PausableSource {
  /** Bytes accepted by `send` but not yet handed to the kernel. */
  readonly bufferedBytes: number;
  readonly sendState: SendState;
  start(events: TransportEvents): void;
  /** Queues `bytes`; `flushed` runs once they reached the kernel or failed. */
  send(bytes: Uint8Array, flushed: () => void): void;
  /** Starts a graceful close: half-close (FIN) for TCP, close frame 1000 for WebSocket. */
  close(): void;
  /** Closes at once, discarding unsent bytes. */
  terminate(): void;
}
