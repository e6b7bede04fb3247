import type { Socket } from 'node:net';
import { ConnectionError } from '@faf-replay/core';
import { resolveConnectionOptions } from './connection-options.js';
import type { ConnectionOptions } from './connection-options.js';
import { formatPeer } from './format-peer.js';
import { socketSendState } from './socket-send-state.js';
import type { SendState, Transport, TransportEvents } from './transport.js';
import { TransportConnection } from './transport-connection.js';

/** A `ByteConnection` over a raw TCP socket; it takes ownership of the socket. */
export class SocketConnection extends TransportConnection {
  constructor(socket: Socket, options: ConnectionOptions = {}) {
    super(new TcpTransport(socket), formatPeer('tcp', socket), resolveConnectionOptions(options));
  }
}

class TcpTransport implements Transport {
  readonly #socket: Socket;

  constructor(socket: Socket) {
    // A reader may half-close after its header and still expects the whole stream: its FIN
    // must end our input only, never our output (Node ends both unless this is set).
    socket.allowHalfOpen = true;
    this.#socket = socket;
  }

  get bufferedBytes(): number {
    return this.#socket.writableLength;
  }

  get sendState(): SendState {
    return socketSendState(this.#socket);
  }

  start(events: TransportEvents): void {
    this.#socket.on('data', (chunk: Buffer) => {
      events.data(chunk);
    });
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
