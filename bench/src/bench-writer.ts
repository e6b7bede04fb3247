import { connect } from 'node:net';
import type { Socket } from 'node:net';

export type ClientEnding = 'open' | 'end' | 'aborted' | `error ${string}`;

/**
 * One player's game process: connects, sends `P/<id>/<name>\0`, then its stream up to the offset
 * the pacing allows, honouring backpressure (bytes that are due while the socket is full are sent
 * on 'drain'), and ends the connection after the last byte.
 */
export class BenchWriter {
  readonly #socket: Socket;
  readonly #stream: Uint8Array;
  readonly #chunkBytes: number;
  readonly #onBytes: (bytes: number) => void;
  readonly #onEnded: () => void;
  #sent = 0;
  #target = 0;
  #ending: ClientEnding = 'open';

  constructor(options: {
    readonly port: number;
    readonly connectionHeader: string;
    readonly stream: Uint8Array;
    readonly chunkBytes: number;
    readonly onBytes: (bytes: number) => void;
    /** The writer has sent its last byte and ended the connection. */
    readonly onEnded: () => void;
    readonly onClose: (writer: BenchWriter) => void;
  }) {
    this.#stream = options.stream;
    this.#chunkBytes = options.chunkBytes;
    this.#onBytes = options.onBytes;
    this.#onEnded = options.onEnded;
    this.#socket = connect({ port: options.port, host: '127.0.0.1', noDelay: true });
    this.#socket.write(options.connectionHeader);
    this.#socket.on('drain', () => this.#pump());
    this.#socket.on('data', () => undefined);
    this.#socket.on(
      'error',
      (error: NodeJS.ErrnoException) => (this.#ending = `error ${error.code ?? error.message}`),
    );
    this.#socket.on('close', () => {
      if (this.#ending === 'open') this.#ending = 'aborted';
      options.onClose(this);
    });
  }

  get sentBytes(): number {
    return this.#sent;
  }

  get ending(): ClientEnding {
    return this.#ending;
  }

  /** Bytes due but not yet taken by the socket (backpressure). */
  get behindBytes(): number {
    return this.#target - this.#sent;
  }

  sendUpTo(offset: number): void {
    if (offset <= this.#target) return;
    this.#target = Math.min(offset, this.#stream.length);
    this.#pump();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #pump(): void {
    if (this.#ending !== 'open' || this.#socket.writableNeedDrain) return;
    while (this.#sent < this.#target) {
      const end = Math.min(this.#target, this.#sent + this.#chunkBytes);
      const accepted = this.#socket.write(this.#stream.subarray(this.#sent, end));
      this.#onBytes(end - this.#sent);
      this.#sent = end;
      if (!accepted) return;
    }
    if (this.#sent === this.#stream.length) {
      this.#ending = 'end';
      this.#socket.end();
      this.#onEnded();
    }
  }
}
