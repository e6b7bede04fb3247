import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectionError } from '@faf-replay/core';
import type { SendState, Transport, TransportEvents } from '../transport.js';

/**
 * A `Transport` over one HTTP exchange: the request body in, the response body out. It shows
 * that `TransportConnection` (slow-reader drop, linger, bounded close) needs no socket of its
 * own; an HTTP live API could serve a reader this way. A graceful close ends the body.
 */
export class HttpResponseTransport implements Transport {
  readonly #request: IncomingMessage;
  readonly #response: ServerResponse;

  constructor(request: IncomingMessage, response: ServerResponse) {
    this.#request = request;
    this.#response = response;
  }

  get bufferedBytes(): number {
    return this.#response.writableLength;
  }

  get sendState(): SendState {
    if (this.#response.destroyed) return 'closed';
    return this.#response.writableNeedDrain ? 'full' : 'ready';
  }

  start(events: TransportEvents): void {
    this.#request.on('data', (chunk: Buffer) => {
      events.data(chunk);
    });
    this.#request.on('end', () => {
      events.end();
    });
    this.#response.on('drain', () => {
      events.drain();
    });
    this.#response.on('close', () => {
      if (!this.#response.writableFinished) {
        events.abort(new ConnectionError('http response closed before its end'));
      }
      events.closed();
    });
  }

  send(bytes: Uint8Array, flushed: () => void): void {
    this.#response.write(bytes, () => {
      flushed();
    });
  }

  pause(): void {
    this.#request.pause();
  }

  resume(): void {
    this.#request.resume();
  }

  close(): void {
    this.#response.end();
  }

  terminate(): void {
    this.#response.destroy();
  }
}
