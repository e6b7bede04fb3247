import type { ByteReceiver, ConnectionError } from '@faf-replay/core';

export type ReceiverOutcome =
  { readonly kind: 'end' } | { readonly kind: 'fail'; readonly error: ConnectionError };

/**
 * A `ByteReceiver` for tests of `ByteConnection.receive`: it records a copy of every chunk (a
 * chunk is valid only during `data`) and every outcome (so that a second `end`/`fail`, or data
 * after one, shows), and `done` resolves at the first outcome.
 */
export class RecordingReceiver implements ByteReceiver {
  readonly chunks: Uint8Array[] = [];
  readonly outcomes: ReceiverOutcome[] = [];
  /** Chunks that arrived after an outcome: must stay 0. */
  chunksAfterOutcome = 0;
  readonly #done = Promise.withResolvers<ReceiverOutcome>();

  get done(): Promise<ReceiverOutcome> {
    return this.#done.promise;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Resolves once at least `byteCount` bytes arrived (or an outcome came first). */
  async received(byteCount: number): Promise<void> {
    while (this.bytes.length < byteCount && this.outcomes.length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  data(chunk: Uint8Array): void {
    if (this.outcomes.length > 0) this.chunksAfterOutcome++;
    this.chunks.push(Uint8Array.prototype.slice.call(chunk));
  }

  end(): void {
    this.#settle({ kind: 'end' });
  }

  fail(error: ConnectionError): void {
    this.#settle({ kind: 'fail', error });
  }

  #settle(outcome: ReceiverOutcome): void {
    this.outcomes.push(outcome);
    this.#done.resolve(outcome);
  }
}
