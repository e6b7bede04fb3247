import type { Socket } from 'node:net';
import { ConnectionError } from '@faf-replay/core';
import { resolveConnectionOptions } from './connection-options.js';
import type { ConnectionOptions } from './connection-options.js';
import { formatPeer } from './format-peer.js';
import type { SocketReads } from './shared-read-buffer.js';
import { socketSendState } from './socket-send-state.js';
import type { SendState, Transport, TransportEvents } from './transport.js';
import { TransportConnection } from './transport-connection.js';

/**
 * A `ByteConnection` over a raw TCP socket; it takes ownership of the socket. `reads`: where
 * the socket's bytes come from when it reads into a shared buffer (`adoptWithSharedReadBuffer`);
 * otherwise its `data` events.
 */
export class SocketConnection extends TransportConnection {
  constructor(socket: Socket, options: ConnectionOptions = {}, reads?: SocketReads) {
    super(new TcpTransport(socket, reads), formatPeer('tcp', socket), resolveConnectionOptions(options));
  }
}

class TcpTransport implements Transport {
  readonly #socket: Socket;
  readonly #reads: SocketReads | undefined;

  constructor(socket: Socket, reads: SocketReads | undefined) {
    // A reader may half-close after its header and still expects the whole stream: its FIN
    // must end our input only, never our output (Node ends both unless this is set).
    socket.allowHalfOpen = true;
    this.#socket = socket;
    this.#reads = reads;
  }

  get bufferedBytes(): number {
    return this.#socket.writableLength;
  }

  get sendState(): SendState {
    return socketSendState(this.#socket);
  }

  start(events: TransportEvents): void {
    const onData = (chunk: Uint8Array): void => {
      events.data(chunk);
    };
    if (this.#reads === undefined) this.#socket.on('data', onData);
    else this.#reads.listen(this.#socket, onData);
    this.#socket.on('end', () => {
      events.end();
    });
    this.#socket.on('error', (error: NodeJS.ErrnoException) => {
      events.abort(new ConnectionError(`socket error: ${error.code ?? error.message}`, { cause: error }));
    });
    this.#socket.on('drain', () => {
      events.drain();
    });
    this.#socket.on('close', () => {
      events.closed();
    });
  }

  send(bytes: Uint8Array, flushed: () => void): void {
    this.#socket.write(bytes, () => {
      flushed();
    });
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(): void {
    this.#socket.end();
  }

  terminate(): void {
    this.#socket.destroy();
  }
}
