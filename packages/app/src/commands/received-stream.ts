import { BodyFrameWalker, ScfaHeaderScanner } from '@faf-replay/core';
import type { BodySummary } from '@faf-replay/core';

export interface ReceivedStreamSummary {
  readonly bytes: number;
  /** Null when the SCFA header never completed (or was invalid: see `headerProblem`). */
  readonly headerBytes: number | null;
  readonly headerProblem: string | null;
  /** Null without a header. */
  readonly body: BodySummary | null;
}

/** What a reader has received so far of a live stream: bytes, the header, ticks as they come. */
export class ReceivedStream {
  #bytes = 0;
  #scanner: ScfaHeaderScanner | null = new ScfaHeaderScanner();
  #headerBytes: number | null = null;
  #headerProblem: string | null = null;
  readonly #walker = new BodyFrameWalker();

  get bytes(): number {
    return this.#bytes;
  }

  get ticks(): number {
    return this.#walker.ticksSoFar;
  }

  get hasHeader(): boolean {
    return this.#headerBytes !== null;
  }

  push(chunk: Uint8Array): void {
    this.#bytes += chunk.length;
    if (this.#scanner === null) {
      if (this.#headerBytes !== null) this.#pushBody(chunk);
      return;
    }
    const step = this.#scanner.push(chunk);
    if (step.status === 'need-more') return;
    this.#scanner = null;
    if (step.status === 'rejected') {
      this.#headerProblem = step.reason;
      return;
    }
    this.#headerBytes = step.header.length;
    this.#pushBody(step.rest);
  }

  finish(): ReceivedStreamSummary {
    if (this.#scanner !== null && this.#bytes > 0) {
      const step = this.#scanner.end();
      if (step.status === 'rejected') this.#headerProblem = step.reason;
    }
    this.#scanner = null;
    const body = this.#headerBytes === null ? null : this.#walker.finish();
    return { bytes: this.#bytes, headerBytes: this.#headerBytes, headerProblem: this.#headerProblem, body };
  }

  #pushBody(chunk: Uint8Array): void {
    this.#walker.push(chunk);
  }
}
