import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ClientLink, ConnectionEnding, LinkHandlers, LinkOptions } from './client-link.js';
import { describeSocketError } from './describe-socket-error.js';
import { handlerFailure, LinkLifecycle } from './link-lifecycle.js';
import { OrderedDelivery } from './ordered-delivery.js';
import type { TcpAddress } from './server-address.js';

/** A client connection over raw TCP: the byte stream as is; the server's FIN is a clean end. */
export class TcpLink implements ClientLink {
  readonly address: TcpAddress;
  readonly opened: Promise<void>;
  readonly closed: Promise<ConnectionEnding>;
  readonly #socket: Socket;
  readonly #lifecycle: LinkLifecycle;
  readonly #delivery: OrderedDelivery;
  #error: NodeJS.ErrnoException | null = null;
  #sawEnd = false;

  constructor(address: TcpAddress, handlers: LinkHandlers, options: LinkOptions) {
    this.address = address;
    this.#socket = connect({ host: address.host, port: address.port, noDelay: true });
    this.#lifecycle = new LinkLifecycle(address, options, () => this.#socket.destroy());
    this.#delivery = new OrderedDelivery(handlers.onData, {
      pause: () => this.#socket.pause(),
      resume: () => this.#socket.resume(),
      fail: (error) => this.#lifecycle.cut(handlerFailure(error)),
    });
    this.#socket.once('connect', () => this.#lifecycle.markOpen());
    this.#socket.on('data', (chunk: Buffer) => this.#delivery.push(chunk));
    this.#socket.on('drain', () => handlers.onDrain?.());
    this.#socket.once('end', () => (this.#sawEnd = true));
    this.#socket.on('error', (error: NodeJS.ErrnoException) => (this.#error ??= error));
    this.#socket.once('close', () => void this.#delivery.idle().then(() => this.#closed()));
    this.opened = this.#lifecycle.opened;
    this.closed = this.#lifecycle.closed;
    this.#lifecycle.watchSignal();
  }

  get needsDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  write(chunk: Uint8Array): boolean {
    // After the server's FIN the socket ends itself; a write then would only raise an error.
    if (this.#socket.writableEnded || this.#socket.destroyed) return false;
    return this.#socket.write(chunk);
  }

  end(): void {
    if (!this.#socket.writableEnded) this.#socket.end();
  }

  abort(): void {
    this.#lifecycle.cut();
  }

  reset(): void {
    this.#socket.resetAndDestroy();
    this.#lifecycle.cut();
  }

  #closed(): void {
    const error = this.#error;
    const failure = error === null ? null : { code: error.code ?? 'EIO', reason: describeSocketError(error) };
    this.#lifecycle.markClosed({ failure, clean: this.#sawEnd, error });
  }
}
