import type { ConnectionError } from '../errors.js';
import type { ByteReceiver } from '../ports/byte-connection.js';
import type { ConnectionResult } from '../ports/server-events.js';
import { ScfaHeaderScanner } from '../protocol/index.js';
import type { HeaderBudget } from '../protocol/index.js';

export interface WriterOutcome {
  readonly result: ConnectionResult;
  /** Why the writer ended other than by a clean end of stream. */
  readonly reason?: string;
}

/** Where a writer's stream goes, synchronously, as it arrives. */
export interface WriterSink {
  /** The writer's SCFA header is complete; its body follows. */
  header(bytes: Uint8Array): void;
  /** Body bytes, in order. The sink copies what it keeps. */
  body(bytes: Uint8Array): void;
  bytesReceived(bytes: number): void;
}

/**
 * Reads one writer's stream after its connection header, in push mode (no promise per chunk):
 * the SCFA header (walked structurally, capped at 1 MiB), then the body into the sink, up to
 * `maxStreamBytes` in all. An abnormal end keeps the data received so far; a bad header ends the
 * writer with nothing merged; a stream over the cap keeps the bytes up to the cap.
 */
export class WriterSession implements ByteReceiver {
  /** Resolves once the writer's stream is over, however it ended. */
  readonly done: Promise<WriterOutcome>;
  readonly #sink: WriterSink;
  readonly #maxStreamBytes: number;
  readonly #finish: (outcome: WriterOutcome) => void;
  #scanner: ScfaHeaderScanner | undefined;
  #received = 0;
  #over = false;

  /** `budget`: the process-wide bound on header bytes in flight, charged while the header is incomplete. */
  constructor(sink: WriterSink, maxStreamBytes: number, budget?: HeaderBudget) {
    this.#scanner = new ScfaHeaderScanner(budget === undefined ? {} : { budget });
    this.#sink = sink;
    this.#maxStreamBytes = maxStreamBytes;
    const { promise, resolve } = Promise.withResolvers<WriterOutcome>();
    this.done = promise;
    this.#finish = resolve;
  }

  data(chunk: Uint8Array): void {
    if (this.#over) return;
    const room = this.#maxStreamBytes - this.#received;
    const taken = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#received += taken.length;
    this.#sink.bytesReceived(taken.length);
    if (this.#scanner === undefined) this.#sink.body(taken);
    else this.#scan(this.#scanner, taken);
    if (taken !== chunk) {
      this.#end({
        result: 'Bad data',
        reason: `stream longer than replay.max_stream_bytes (${this.#maxStreamBytes} bytes); kept the first ${this.#maxStreamBytes}`,
      });
    }
  }

  end(): void {
    if (this.#scanner === undefined) {
      this.#end({ result: 'Success' });
      return;
    }
    const step = this.#scanner.end();
    this.#end(badHeader(step.status === 'rejected' ? step.reason : 'stream ended inside the replay header'));
  }

  fail(error: ConnectionError): void {
    this.#end({ result: 'I/O error', reason: error.message });
  }

  #scan(scanner: ScfaHeaderScanner, chunk: Uint8Array): void {
    const step = scanner.push(chunk);
    if (step.status === 'need-more') return;
    this.#scanner = undefined;
    if (step.status === 'rejected') {
      this.#end(badHeader(step.reason));
      return;
    }
    this.#sink.header(step.header);
    if (step.rest.length > 0) this.#sink.body(step.rest);
  }

  #end(outcome: WriterOutcome): void {
    if (this.#over) return;
    this.#over = true;
    this.#scanner?.release();
    this.#scanner = undefined;
    this.#finish(outcome);
  }
}

function badHeader(reason: string): WriterOutcome {
  return { result: 'Bad data', reason: `invalid replay header: ${reason}` };
}
