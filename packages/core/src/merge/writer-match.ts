import type { CanonicalStream } from '../streams/canonical-stream.js';
import type { WriterStream } from '../streams/writer-stream.js';
import { commonPrefixLength } from './common-prefix.js';

/**
 * What the merge knows of one writer relative to the canonical stream C (R's ReplayState):
 * how many of its bytes are known to match C, and whether it diverged. The check is lazy and
 * compares at most the last `distanceBytes` of C each time (spec §4.2).
 */
export class WriterMatch {
  readonly writer: WriterStream;
  readonly #canonical: CanonicalStream;
  readonly #distanceBytes: number;
  #matched = 0;
  #diverged = false;

  constructor(writer: WriterStream, canonical: CanonicalStream, distanceBytes: number) {
    this.writer = writer;
    this.#canonical = canonical;
    this.#distanceBytes = distanceBytes;
  }

  get diverged(): boolean {
    return this.#diverged;
  }

  /**
   * Whether the writer diverges from C: its common prefix with C is neither of them, or it has
   * finished shorter than C. Once diverged, always diverged (its data is gone).
   */
  divergesFromCanonical(): boolean {
    if (this.#diverged) return true;
    if (this.writer.finished && this.writer.length < this.#canonical.length) {
      this.markDiverged();
      return true;
    }
    const common = this.#commonLength();
    if (this.#matched === common) return false;
    const from = this.#compareStart();
    const same = commonPrefixLength(
      this.writer.data.slices(from, common),
      this.#canonical.slices(from, common),
    );
    this.#matched = from + same;
    if (this.#matched !== common) {
      this.markDiverged();
      return true;
    }
    this.discardUnneeded();
    return false;
  }

  /** For a writer known to hold all of C (a quorum member after a merge step). */
  setMatching(): void {
    this.#matched = this.#canonical.length;
    this.discardUnneeded();
  }

  /** Drops all the writer's data, now and to come: it is never used again. */
  markDiverged(): void {
    this.#diverged = true;
    this.writer.data.discardBefore(Number.POSITIVE_INFINITY);
  }

  /** Keeps only what a later check can compare: from max(matched, common length - D) on. */
  discardUnneeded(): void {
    if (!this.#diverged) this.writer.data.discardBefore(this.#compareStart());
  }

  #commonLength(): number {
    return Math.min(this.#canonical.length, this.writer.length);
  }

  #compareStart(): number {
    return Math.max(this.#matched, this.#commonLength() - this.#distanceBytes, 0);
  }
}
