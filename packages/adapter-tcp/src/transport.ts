import type { Socket } from 'node:net';
import type { ConnectionError } from '@faf-replay/core';
import type { PausableSource } from './incoming-chunks.js';

/** What a transport reports to its connection. */
export interface TransportEvents {
  data(chunk: Uint8Array): void;
  /** Clean end of input: TCP FIN, WebSocket close 1000. */
  end(): void;
  /** Abnormal end of input (reset, other close code); may be followed by `closed`. */
  abort(error: ConnectionError): void;
  /** The transport is fully closed; nothing more can be sent or received. */
  closed(): void;
}

/**
 * One technology's way to move bytes (raw TCP, WebSocket), reduced to what
 * `TransportConnection` needs. `socket` is the underlying TCP socket, watched for 'drain'.
 */
export interface Transport extends PausableSource {
  readonly socket: Socket;
  /** Bytes accepted by `send` but not yet handed to the kernel. */
  readonly bufferedBytes: number;
  start(events: TransportEvents): void;
  /** Queues `bytes`; `flushed` runs once they reached the kernel or failed. */
  send(bytes: Uint8Array, flushed: () => void): void;
  /** Starts a graceful close: half-close (FIN) for TCP, close frame 1000 for WebSocket. */
  close(): void;
  /** Closes at once, discarding unsent bytes. */
  terminate(): void;
}
