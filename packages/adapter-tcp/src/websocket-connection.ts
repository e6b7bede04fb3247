import type { Socket } from 'node:net';
import { ConnectionError } from '@faf-replay/core';
import type { RawData, WebSocket } from 'ws';
import type { ResolvedConnectionOptions } from './connection-options.js';
import { formatPeer } from './format-peer.js';
import { socketSendState } from './socket-send-state.js';
import type { SendState, Transport, TransportEvents } from './transport.js';
import { TransportConnection } from './transport-connection.js';

const normalClosure = 1000;

/**
 * A `ByteConnection` over an accepted WebSocket: the payloads of all data messages (binary or
 * text) form the byte stream, each `write()` is one binary message, a close with code 1000 is a
 * clean end and any other close (or none) is a `ConnectionError`.
 */
export class WebSocketConnection extends TransportConnection {
  /** `readFrom`: the offset a reader asked for in its upgrade URL (`?offset=N`). */
  constructor(webSocket: WebSocket, socket: Socket, options: ResolvedConnectionOptions, readFrom?: number) {
    super(new WebSocketTransport(webSocket, socket), formatPeer('ws', socket), options, readFrom);
  }
}

/** ws writes each message straight to the TCP socket, whose buffer is the backpressure. */
class WebSocketTransport implements Transport {
  readonly #socket: Socket;
  readonly #webSocket: WebSocket;
  #lastError: Error | undefined;

  constructor(webSocket: WebSocket, socket: Socket) {
    this.#webSocket = webSocket;
    this.#socket = socket;
  }

  get bufferedBytes(): number {
    return this.#webSocket.bufferedAmount;
  }

  get sendState(): SendState {
    return socketSendState(this.#socket);
  }

  start(events: TransportEvents): void {
    // A binary message comes as its frames' payloads, handed on as they are: ws would otherwise
    // copy a fragmented message into one buffer, and message boundaries carry no meaning.
    this.#webSocket.binaryType = 'fragments';
    this.#webSocket.on('message', (data: RawData) => {
      if (Array.isArray(data)) for (const fragment of data) events.data(fragment);
      else events.data(toBytes(data));
    });
    this.#webSocket.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.#socket.on('drain', () => {
      events.drain();
    });
    this.#webSocket.on('close', (code: number, reason: Buffer) => {
      if (code === normalClosure) events.end();
      else events.abort(closeError(code, reason.toString(), this.#lastError));
      events.closed();
    });
  }

  send(bytes: Uint8Array, flushed: () => void): void {
    this.#webSocket.send(bytes, { binary: true }, () => {
      flushed();
    });
  }

  pause(): void {
    this.#webSocket.pause();
  }

  resume(): void {
    this.#webSocket.resume();
  }

  close(): void {
    this.#webSocket.close(normalClosure);
  }

  terminate(): void {
    this.#webSocket.terminate();
  }
}

function toBytes(data: Buffer | ArrayBuffer): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function closeError(code: number, reason: string, cause: Error | undefined): ConnectionError {
  const why = [reason, cause?.message].filter((part) => part !== undefined && part !== '').join('; ');
  const what =
    code === 1005
      ? 'websocket closed without a status code (1005)'
      : code === 1006
        ? 'websocket dropped without a close frame (1006)'
        : `websocket closed with code ${code}`;
  return new ConnectionError(why === '' ? what : `${what}: ${why}`, { cause });
}
