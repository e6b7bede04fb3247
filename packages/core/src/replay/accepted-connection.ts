import type { ByteConnection, ByteReceiver } from '../ports/byte-connection.js';
import { ConnectionError } from '../errors.js';

const EMPTY = new Uint8Array(0);

/**
 * The input of a connection after its connection header: the bytes that arrived with or after
 * the header, until a consumer calls `receive`, then everything else as it arrives. Waiting
 * bytes are copied into one growing buffer (a client sending one byte per packet costs its
 * bytes, not an object each), and capped: the first `maxWaitingBytes` are kept, then the input
 * fails with the reason, and `overflow` is called (the connection stops reading).
 */
export class PendingInput implements ByteReceiver {
  readonly #maxWaitingBytes: number;
  #waiting: Uint8Array = EMPTY;
  #waitingLength = 0;
  #outcome: { readonly kind: 'end' } | { readonly kind: 'fail'; readonly error: ConnectionError } | undefined;
  #receiver: ByteReceiver | undefined;
  readonly #overflow: () => void;

  constructor(maxWaitingBytes: number, overflow: () => void) {
    this.#maxWaitingBytes = maxWaitingBytes;
    this.#overflow = overflow;
  }

  data(chunk: Uint8Array): void {
    if (this.#receiver !== undefined) {
      this.#receiver.data(chunk);
      return;
    }
    if (this.#outcome !== undefined) return;
    if (this.#waitingLength + chunk.length > this.#maxWaitingBytes) {
      this.data(chunk.subarray(0, this.#maxWaitingBytes - this.#waitingLength));
      this.#outcome = {
        kind: 'fail',
        error: new ConnectionError(`sent more than ${this.#maxWaitingBytes} bytes before its game took it`),
      };
      this.#overflow();
      return;
    }
    if (this.#waitingLength + chunk.length > this.#waiting.length) {
      const grown = new Uint8Array(
        Math.min(this.#maxWaitingBytes, Math.max(256, (this.#waitingLength + chunk.length) * 2)),
      );
      grown.set(this.#waiting.subarray(0, this.#waitingLength));
      this.#waiting = grown;
    }
    this.#waiting.set(chunk, this.#waitingLength);
    this.#waitingLength += chunk.length;
  }

  end(): void {
    if (this.#receiver !== undefined) this.#receiver.end();
    else this.#outcome ??= { kind: 'end' };
  }

  fail(error: ConnectionError): void {
    if (this.#receiver !== undefined) this.#receiver.fail(error);
    else this.#outcome ??= { kind: 'fail', error };
  }

  /** Hands the waiting bytes, then everything else, to `receiver`. */
  receive(receiver: ByteReceiver): void {
    if (this.#receiver !== undefined) throw new Error('receive can be called only once');
    this.#receiver = receiver;
    const waiting = this.#waiting.subarray(0, this.#waitingLength);
    this.#waiting = EMPTY;
    this.#waitingLength = 0;
    if (waiting.length > 0) receiver.data(waiting);
    const outcome = this.#outcome;
    if (outcome?.kind === 'end') receiver.end();
    else if (outcome?.kind === 'fail') receiver.fail(outcome.error);
  }
}

/** `connection` whose input is `input`: what the handler hands on after the connection header. */
export function withInput(connection: ByteConnection, input: PendingInput): ByteConnection {
  return {
    id: connection.id,
    peer: connection.peer,
    readFrom: connection.readFrom,
    receive: (receiver) => input.receive(receiver),
    write: (bytes) => connection.write(bytes),
    end: (options) => connection.end(options),
    destroy: () => connection.destroy(),
  };
}
