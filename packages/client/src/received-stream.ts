import { BodyFrameWalker, ScfaHeaderScanner } from '@faf-replay/core';
import type { BodySummary } from '@faf-replay/core';
import { TICKS_PER_SECOND } from './protocol.js';

/** A reader's progress so far: what a progress line shows. */
export interface ReceivedProgress {
  readonly bytes: number;
  readonly hasHeader: boolean;
  /** Ticks of the body so far; game time is ticks / 10 s. */
  readonly ticks: number;
  readonly gameTimeS: number;
}

export interface ReceivedStreamSummary {
  readonly bytes: number;
  /** The SCFA header received; null when it never completed (or was invalid: see `headerProblem`). */
  readonly header: Uint8Array | null;
  readonly headerBytes: number | null;
  readonly headerProblem: string | null;
  /** Null without a header. */
  readonly body: BodySummary | null;
}

/** What a reader has received so far of a live stream: bytes, the header, ticks as they come. */
export class ReceivedStream implements ReceivedProgress {
  #bytes = 0;
  #scanner: ScfaHeaderScanner | null = new ScfaHeaderScanner();
  #header: Uint8Array | null = null;
  #headerProblem: string | null = null;
  readonly #walker = new BodyFrameWalker();

  get bytes(): number {
    return this.#bytes;
  }

  get ticks(): number {
    return this.#walker.ticksSoFar;
  }

  get gameTimeS(): number {
    return this.ticks / TICKS_PER_SECOND;
  }

  get hasHeader(): boolean {
    return this.#header !== null;
  }

  push(chunk: Uint8Array): void {
    this.#bytes += chunk.length;
    if (this.#scanner === null) {
      if (this.#header !== null) this.#walker.push(chunk);
      return;
    }
    const step = this.#scanner.push(chunk);
    if (step.status === 'need-more') return;
    this.#scanner = null;
    if (step.status === 'rejected') {
      this.#headerProblem = step.reason;
      return;
    }
    this.#header = step.header;
    this.#walker.push(step.rest);
  }

  finish(): ReceivedStreamSummary {
    if (this.#scanner !== null && this.#bytes > 0) {
      const step = this.#scanner.end();
      if (step.status === 'rejected') this.#headerProblem = step.reason;
    }
    this.#scanner = null;
    const header = this.#header;
    return {
      bytes: this.#bytes,
      header,
      headerBytes: header === null ? null : header.length,
      headerProblem: this.#headerProblem,
      body: header === null ? null : this.#walker.finish(),
    };
  }
}
