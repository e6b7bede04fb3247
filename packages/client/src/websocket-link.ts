import WebSocket from 'ws';
import type { ClientLink, ConnectionEnding, LinkHandlers, LinkOptions } from './client-link.js';
import { describeSocketError } from './describe-socket-error.js';
import { handlerFailure, LinkLifecycle } from './link-lifecycle.js';
import type { ObservedClose } from './link-lifecycle.js';
import { OrderedDelivery } from './ordered-delivery.js';
import { WEBSOCKET_NORMAL_CLOSURE } from './protocol.js';
import { websocketUrl } from './server-address.js';
import type { WebSocketAddress } from './server-address.js';

/** Like a socket's: `write` says "wait for drain" once this much is on its way. */
const HIGH_WATER_MARK_BYTES = 16 * 1024;

/**
 * A client connection over WebSocket: each write is one binary message, every message received
 * is bytes of the stream, and a close with code 1000 (or the code this side closed with) is a
 * clean end.
 */
export class WebSocketLink implements ClientLink {
  readonly address: WebSocketAddress;
  readonly opened: Promise<void>;
  readonly closed: Promise<ConnectionEnding>;
  readonly #socket: WebSocket;
  readonly #lifecycle: LinkLifecycle;
  readonly #delivery: OrderedDelivery;
  readonly #onDrain: (() => void) | undefined;
  /** Messages written before the handshake finished. */
  #queued: Uint8Array[] = [];
  #pendingBytes = 0;
  #needsDrain = false;
  /** The code of the close this side asked for, sent once the handshake is done. */
  #closeCode: number | null = null;
  #error: NodeJS.ErrnoException | null = null;

  constructor(address: WebSocketAddress, handlers: LinkHandlers, options: LinkOptions) {
    this.address = address;
    this.#onDrain = handlers.onDrain;
    this.#socket = new WebSocket(websocketUrl(address, options.offset), { perMessageDeflate: false });
    this.#lifecycle = new LinkLifecycle(address, options, () => this.#socket.terminate());
    this.#delivery = new OrderedDelivery(handlers.onData, {
      pause: () => this.#socket.pause(),
      resume: () => this.#socket.resume(),
      fail: (error) => this.#lifecycle.cut(handlerFailure(error)),
    });
    this.#socket.once('open', () => this.#opened());
    this.#socket.on('message', (data: Buffer) => this.#delivery.push(data));
    this.#socket.on('error', (error: NodeJS.ErrnoException) => (this.#error ??= error));
    this.#socket.once('close', (code: number) => void this.#delivery.idle().then(() => this.#closed(code)));
    this.opened = this.#lifecycle.opened;
    this.closed = this.#lifecycle.closed;
    this.#lifecycle.watchSignal();
  }

  get needsDrain(): boolean {
    return this.#needsDrain;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closeCode !== null || this.#lifecycle.isSettled) return false;
    this.#pendingBytes += chunk.length;
    if (this.#lifecycle.isOpen) this.#send(chunk);
    else this.#queued.push(chunk);
    this.#needsDrain = this.#pendingBytes >= HIGH_WATER_MARK_BYTES;
    return !this.#needsDrain;
  }

  end(closeCode = WEBSOCKET_NORMAL_CLOSURE): void {
    if (this.#closeCode !== null || this.#lifecycle.isSettled) return;
    this.#closeCode = closeCode;
    if (this.#lifecycle.isOpen) this.#socket.close(closeCode);
  }

  abort(): void {
    this.#lifecycle.cut();
  }

  /** The same as `abort`: terminating drops the connection without a close frame (1006). */
  reset(): void {
    this.#lifecycle.cut();
  }

  #opened(): void {
    this.#lifecycle.markOpen();
    for (const chunk of this.#queued) this.#send(chunk);
    this.#queued = [];
    if (this.#closeCode !== null) this.#socket.close(this.#closeCode);
  }

  #send(chunk: Uint8Array): void {
    this.#socket.send(chunk, { binary: true }, () => {
      this.#pendingBytes -= chunk.length;
      if (this.#needsDrain && this.#pendingBytes < HIGH_WATER_MARK_BYTES) {
        this.#needsDrain = false;
        this.#onDrain?.();
      }
    });
  }

  #closed(code: number): void {
    const clean = this.#closeCode !== null || code === WEBSOCKET_NORMAL_CLOSURE;
    this.#lifecycle.markClosed({ failure: this.#failure(code, clean), clean, error: this.#error });
  }

  #failure(code: number, clean: boolean): ObservedClose['failure'] {
    if (this.#error !== null) {
      return { code: this.#error.code ?? 'EWEBSOCKET', reason: describeSocketError(this.#error) };
    }
    if (clean) return null;
    return { code: `WS_${code}`, reason: describeCloseCode(code) };
  }
}

function describeCloseCode(code: number): string {
  if (code === 1005) return 'the server closed the WebSocket without a status code (1005)';
  if (code === 1006) return 'the WebSocket dropped without a close frame (1006)';
  return `the server closed the WebSocket with code ${code}`;
}
