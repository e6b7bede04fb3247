/*
 * The quorum merge: R's QuorumMergeStrategy (spec §4.2, normative), which turns the bodies of N
 * writers into one canonical body C such that, where possible, every byte of C was agreed on by
 * a quorum of Q writers, and streams that end early or diverge near their ends neither truncate
 * nor corrupt C. Q = `quorumSize` (2), D = `comparisonDistanceBytes` (4096).
 *
 * Terms, for a writer r: r MATCHES C when C is a prefix of r; r DIVERGES when their common prefix
 * is neither of them, or when r has finished shorter than C. To stay cheap, "r matches" is
 * checked lazily and only over the last D bytes of C before the point compared (`WriterMatch`).
 *
 * The merge is in one of two states; every event runs to completion, then `#stabilize` switches
 * state while a transition applies (each STALEMATE exit appends a byte, so it terminates).
 *
 * STALEMATE (initial): a reserve set Res and candidates Cand (next byte → writers).
 *   - Cand holds exactly the writers that match C and are longer than C, keyed by their byte at
 *     len(C); Res holds writers no longer than C that have not finished; every other writer
 *     diverged, or finished no longer than C. `#tryMove` sorts a Res member into that shape.
 *   - It may be left when `started` (some writer had a delayed length > 0 here: R's hack against
 *     resolving while writers still connect), Cand is not empty, and Res is empty or some Cand
 *     entry has Q members.
 *   - Leaving: the best entry by (members, longest member, byte value) wins. C grows by that
 *     byte, every other candidate diverges, and the winners, longest first, form the quorum (at
 *     most Q) while the rest join Res. Then one merge step.
 * QUORUM: a quorum set (≤ Q writers, all matching C) and Res.
 *   - Merge step, on entry only: C grows by the common prefix of the quorum members from len(C).
 *     Data arriving later does not extend C until the next stalemate.
 *   - C's delayed length = max(itself, min(min delayed length over the quorum, len(C))). The
 *     minimum means a finished member (delayed = length) cannot flap the state.
 *   - Once C's delayed length reaches len(C), Res ∪ quorum becomes the new Res of a STALEMATE.
 *
 * Invariants (R's claims, checked by the property tests):
 *   1. len(C) and C's delayed length never decrease; delayed ≤ len(C); C only ever grows by bytes
 *      a writer holds at that offset, so C is always a prefix of some writer's body.
 *   2. After every writer was removed, the merge rests in STALEMATE with empty Res and Cand, and
 *      C equals one submitted body: the writer that C is a prefix of is not longer than C.
 *   3. A writer that alone split off from ≥ Q agreeing writers is never followed, provided those
 *      were added before C reached the split: a lone writer merged before the others connect is
 *      followed (all players connect at game start, so this does not arise in practice).
 *   4. Memory: a writer keeps only the data from max(matched, len(C) − D) on, so about one
 *      delay window; a diverged writer keeps nothing. Discarding never changes the output.
 *   5. Cost: O(writers) stalemates per delay window, amortised; each compares ≤ D bytes per
 *      writer, and each merge step compares the new bytes once per quorum member.
 *
 * Deterministic where R iterates hash sets: writers keep the order they were added in, and ties
 * in length keep candidate order.
 */
import type { CanonicalStream } from '../streams/canonical-stream.js';
import type { WriterStream } from '../streams/writer-stream.js';
import { commonPrefixLength } from './common-prefix.js';
import { MergeUsageError } from './merge-usage-error.js';
import { WriterMatch } from './writer-match.js';

export interface MergeSettings {
  /** Q: writers that must agree on a byte for it to be merged without a stalemate fallback. */
  readonly quorumSize: number;
  /** D: how far back before the merge point a writer is compared with C. */
  readonly comparisonDistanceBytes: number;
}

export type MergeState = 'stalemate' | 'quorum';

export class QuorumMerge {
  readonly #canonical: CanonicalStream;
  readonly #quorumSize: number;
  readonly #distanceBytes: number;
  readonly #writers = new Map<WriterStream, WriterMatch>();
  readonly #reserve = new Set<WriterMatch>();
  readonly #candidates = new Map<number, WriterMatch[]>();
  #quorum: WriterMatch[] = [];
  #state: MergeState = 'stalemate';
  #started = false;

  constructor(canonical: CanonicalStream, settings: MergeSettings) {
    const { quorumSize, comparisonDistanceBytes } = settings;
    if (!Number.isInteger(quorumSize) || quorumSize < 1 || !(comparisonDistanceBytes >= 0)) {
      throw new RangeError(
        `invalid merge settings: quorum ${quorumSize}, distance ${comparisonDistanceBytes}`,
      );
    }
    this.#canonical = canonical;
    this.#quorumSize = quorumSize;
    this.#distanceBytes = comparisonDistanceBytes;
  }

  /** The current state, for diagnostics and tests. */
  get state(): MergeState {
    return this.#state;
  }

  writerAdded(writer: WriterStream): void {
    if (this.#writers.has(writer)) throw new MergeUsageError(`writer ${writer.id} added twice`);
    const match = new WriterMatch(writer, this.#canonical, this.#distanceBytes);
    this.#writers.set(writer, match);
    this.#reserve.add(match);
    this.#stabilize();
  }

  /** The first header wins (spec §2.5); the others are dropped without comparison. */
  writerHeader(writer: WriterStream, header: Uint8Array): void {
    this.#matchOf(writer);
    this.#canonical.setHeader(header);
  }

  /** After the writer's data or delayed length changed (once per update tick that changed it). */
  writerUpdated(writer: WriterStream): void {
    this.#updated(this.#matchOf(writer));
    this.#stabilize();
  }

  /**
   * After `writer.finish()`. Includes R's last data update with the final values (the delayed
   * length jumped to the end), so the caller need not call `writerUpdated` first.
   */
  writerRemoved(writer: WriterStream): void {
    const match = this.#matchOf(writer);
    if (!writer.finished) throw new MergeUsageError(`writer ${writer.id} removed before it finished`);
    this.writerUpdated(writer);
    if (this.#state === 'stalemate' && this.#reserve.has(match)) this.#tryMove(match);
    this.#stabilize();
  }

  /**
   * All writers gone and the grace period over: C is final. R asserts a resting STALEMATE here
   * (invariant 2). Should a caller finish while writers are still active, C is still agreed data
   * and a prefix of a submitted body, so it is kept rather than thrown away.
   */
  finish(): void {
    this.#canonical.finish();
    for (const match of this.#writers.values()) match.markDiverged();
    this.#reserve.clear();
    this.#candidates.clear();
    this.#quorum = [];
    this.#state = 'stalemate';
  }

  #matchOf(writer: WriterStream): WriterMatch {
    const match = this.#writers.get(writer);
    if (match === undefined) throw new MergeUsageError(`writer ${writer.id} was never added`);
    return match;
  }

  #updated(match: WriterMatch): void {
    if (this.#state === 'quorum') {
      if (this.#quorum.includes(match)) this.#advanceDelayed();
      return;
    }
    if (this.#reserve.has(match)) this.#tryMove(match);
    if (match.writer.delayedLength > 0) this.#started = true;
  }

  #stabilize(): void {
    for (;;) {
      if (this.#state === 'quorum' && this.#canonical.delayedLength >= this.#canonical.length) {
        this.#enterStalemate();
      } else if (this.#state === 'stalemate' && this.#canExitStalemate()) {
        this.#exitStalemate();
      } else {
        return;
      }
    }
  }

  // STALEMATE

  /** Sorts a Res member into Res, Cand, or out (diverged, or finished no longer than C). */
  #tryMove(match: WriterMatch): void {
    const mergedLength = this.#canonical.length;
    if (match.writer.length <= mergedLength) {
      if (match.writer.finished) {
        this.#reserve.delete(match);
        match.markDiverged();
      }
      return;
    }
    this.#reserve.delete(match);
    if (match.divergesFromCanonical()) return;
    const nextByte = match.writer.data.byteAt(mergedLength);
    const sameByte = this.#candidates.get(nextByte);
    if (sameByte === undefined) this.#candidates.set(nextByte, [match]);
    else sameByte.push(match);
  }

  #canExitStalemate(): boolean {
    if (!this.#started || this.#candidates.size === 0) return false;
    if (this.#reserve.size === 0) return true;
    for (const sameByte of this.#candidates.values()) {
      if (sameByte.length >= this.#quorumSize) return true;
    }
    return false;
  }

  #exitStalemate(): void {
    const [bestByte, good] = this.#bestCandidates();
    this.#appendCanonical(good[0] as WriterMatch, this.#canonical.length + 1);
    for (const match of good) match.setMatching();
    for (const [nextByte, others] of this.#candidates) {
      if (nextByte !== bestByte) for (const match of others) match.markDiverged();
    }
    this.#candidates.clear();
    good.sort((a, b) => b.writer.length - a.writer.length);
    this.#quorum = good.slice(0, this.#quorumSize);
    for (const match of good.slice(this.#quorumSize)) this.#reserve.add(match);
    this.#state = 'quorum';
    this.#mergeStep();
  }

  /** The Cand entry with the most members, then the longest member, then the highest byte. */
  #bestCandidates(): [number, WriterMatch[]] {
    let best: [number, WriterMatch[]] | undefined;
    let bestLongest = 0;
    for (const [nextByte, members] of this.#candidates) {
      const longest = Math.max(...members.map((match) => match.writer.length));
      if (
        best === undefined ||
        isBetter(members.length, longest, nextByte, best[1].length, bestLongest, best[0])
      ) {
        best = [nextByte, members];
        bestLongest = longest;
      }
    }
    if (best === undefined) throw new MergeUsageError('stalemate exit without candidates');
    return best;
  }

  // QUORUM

  /** Grows C by the quorum's common prefix from len(C), then updates C's delayed length. */
  #mergeStep(): void {
    const from = this.#canonical.length;
    const shortest = this.#quorum.reduce((a, b) => (b.writer.length < a.writer.length ? b : a));
    let prefixEnd = shortest.writer.length;
    for (const other of this.#quorum) {
      if (other === shortest || prefixEnd === from) continue;
      const mine = shortest.writer.data.slices(from, prefixEnd);
      prefixEnd = from + commonPrefixLength(mine, other.writer.data.slices(from, prefixEnd));
    }
    this.#appendCanonical(shortest, prefixEnd);
    for (const match of this.#quorum) match.setMatching();
    this.#advanceDelayed();
  }

  #advanceDelayed(): void {
    if (this.#quorum.length === 0) return;
    const quorumDelayed = Math.min(...this.#quorum.map((match) => match.writer.delayedLength));
    this.#canonical.advanceDelayedTo(quorumDelayed);
  }

  #enterStalemate(): void {
    for (const match of this.#quorum) this.#reserve.add(match);
    this.#quorum = [];
    this.#candidates.clear();
    this.#state = 'stalemate';
    for (const match of [...this.#reserve]) this.#tryMove(match);
  }

  /** Appends `source`'s bytes [len(C), to) to C, then lets every writer drop what it no longer needs. */
  #appendCanonical(source: WriterMatch, to: number): void {
    for (const view of source.writer.data.slices(this.#canonical.length, to)) this.#canonical.append(view);
    for (const match of this.#writers.values()) match.discardUnneeded();
  }
}

function isBetter(
  members: number,
  longest: number,
  nextByte: number,
  bestMembers: number,
  bestLongest: number,
  bestByte: number,
): boolean {
  if (members !== bestMembers) return members > bestMembers;
  if (longest !== bestLongest) return longest > bestLongest;
  return nextByte > bestByte;
}
