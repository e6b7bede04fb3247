import { ChunkedBytes } from './chunked-bytes.js';
import type { PositionHistory } from './position-history.js';
import { StreamStateError } from './stream-state-error.js';

/**
 * One writer's body (its SCFA header excluded), as the merge sees it: the bytes received so far,
 * a delayed length that trails them by the replay delay, and whether the writer has ended.
 */
export class WriterStream {
  readonly id: string;
  readonly data = new ChunkedBytes();
  readonly #history: PositionHistory;
  #delayedLength = 0;
  #finished = false;
  #reportedLength = 0;
  #reportedDelayedLength = 0;

  constructor(id: string, history: PositionHistory) {
    this.id = id;
    this.#history = history;
  }

  get length(): number {
    return this.data.length;
  }

  get delayedLength(): number {
    return this.#delayedLength;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Body bytes as they arrive; the chunk is kept as is, so the caller must not mutate it. */
  append(bytes: Uint8Array): void {
    if (this.#finished) throw new StreamStateError(`writer ${this.id} appended to after it finished`);
    this.data.append(bytes);
  }

  /**
   * One update-interval tick: pushes the length into the history and takes the delayed length
   * from it. Returns whether (length, delayed length) changed since the last tick, which is when
   * the merge must hear of it. Does nothing once finished.
   */
  recordPosition(): boolean {
    if (this.#finished) return false;
    this.#history.push(this.length);
    this.#delayedLength = this.#history.delayed;
    const changed =
      this.#reportedLength !== this.length || this.#reportedDelayedLength !== this.#delayedLength;
    this.#reportedLength = this.length;
    this.#reportedDelayedLength = this.#delayedLength;
    return changed;
  }

  /** At EOF or error: the writer is finished, and its delayed length jumps to its length (spec §5.1). */
  finish(): void {
    this.#finished = true;
    this.#delayedLength = this.length;
  }
}
