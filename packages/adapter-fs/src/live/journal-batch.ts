import type { JournalEntry } from '@faf-replay/core';
import { releaseBlock, retainBlock } from '@faf-replay/core';
import type { EncodedFrame } from './log-frame.js';
import { FRAME_HEADER_BYTES, frameHeader } from './log-frame.js';
import { RecordEncoder } from './log-records.js';
import { RecordWriter } from './record-writer.js';

/** A committed canonical segment, as the canonical log hands it over to be written. */
export interface CommittedSegment {
  readonly index: number;
  /** Its first offset in the canonical stream. */
  readonly offset: number;
  /** Its bytes: views of the merge's blocks, which the batch leases until its frame is written. */
  readonly views: readonly Uint8Array[];
  readonly length: number;
}

type PlainEntry = Exclude<JournalEntry, { type: 'extend' | 'position' | 'decided' }>;

interface ExtendSlot {
  readonly kind: 'extend';
  readonly branch: number;
  readonly runs: Run[];
  /** Its bytes, as ranges of the buffers given (each leased while the batch holds it). */
  readonly pieces: Piece[];
}

/** Bytes of one buffer, [start, end): consecutive extends of a branch mostly extend the last one. */
interface Piece {
  readonly buffer: ArrayBufferLike;
  readonly start: number;
  end: number;
}

/** A run, and when its first bytes arrived (it takes later bytes for `RUN_SPAN_MS` from then). */
interface Run {
  atMs: number;
  readonly openedAtMs: number;
  length: number;
}

/** The newest `position` of one writer, or the newest `decided`: updated in place and moved to the end. */
type MovingSlot =
  | { readonly kind: 'position'; readonly writer: number; branch: number; length: number; index: number }
  | { readonly kind: 'decided'; branch: number; bodyLength: number; index: number };

type Slot =
  | { readonly kind: 'entry'; readonly entry: PlainEntry }
  | ExtendSlot
  | MovingSlot
  | { readonly kind: 'segment'; readonly segment: CommittedSegment };

/**
 * Bytes of a branch that arrive within this span share one run, stamped with the latest arrival
 * among them: a stamp is then at most this late and never early, as the merge's own marks are
 * (they span its `coalesceMs`, the update interval, 1 s by default). One run per second rather
 * than one per chunk keeps the journal's overhead small in quiet games.
 */
const RUN_SPAN_MS = 1_000;

/** A guess of a record's encoded size beyond its bytes (type, ids, lengths). */
const RECORD_OVERHEAD_BYTES = 8;

/**
 * What one game journaled and committed since its last write, to be written as ONE frame. A
 * frame is written whole or not at all (its checksum tells), so what survives a crash is the
 * state at the end of some batch, and a batch may be stored in any order that rebuilds the same
 * state when replayed. That allows coalescing, which keeps the disk bytes per ingested byte low:
 *   - every `extend` of a branch goes into the branch's first `extend` slot of the batch (extends
 *     of different branches never depend on each other), as runs of arrival times: a run takes
 *     the bytes of `RUN_SPAN_MS` and their latest arrival time;
 *   - only the last `position` of each writer is kept, where it was made;
 *   - only the last `decided` is kept (a replay uses only the last one).
 * Canonical segments stay in order. The bytes of extends and segments are held as they are given,
 * with a lease on each pooled block they lie in (the merge's blocks are reused once let go), until
 * `release` once the frame is written; the other entries are copied, since the caller's arrays are
 * only valid during the call. A game journals a position for each chunk a writer
 * sends, and an extend for each new one, and a batch lives about a second, long enough for what
 * it holds to outlive the young generation: so a position, a `decided`, or an extend that
 * continues its branch's last bytes and run updates what the batch holds, allocating nothing.
 */
export class JournalBatch {
  readonly #slots: (Slot | undefined)[] = [];
  readonly #extends = new Map<number, ExtendSlot>();
  readonly #positions = new Map<number, MovingSlot & { kind: 'position' }>();
  #decided: (MovingSlot & { kind: 'decided' }) | undefined;
  /** Slots that are neither extends nor moving ones: entries and segments. */
  #others = 0;
  #bytes = 0;
  #canonicalEnd: number | undefined;
  #released = false;

  /** About how many bytes the batch will take on disk. */
  get bytes(): number {
    return this.#bytes;
  }

  get empty(): boolean {
    return this.#slots.length === 0;
  }

  journal(entry: JournalEntry): void {
    switch (entry.type) {
      case 'extend':
        this.#extend(entry.branch, entry.bytes, entry.atMs);
        return;
      case 'position':
        this.#position(entry.writer, entry.branch, entry.length);
        return;
      case 'decided':
        this.#decide(entry.branch, entry.bodyLength);
        return;
      case 'header':
        this.#push({ kind: 'entry', entry: { ...entry, bytes: entry.bytes.slice() } }, entry.bytes.length);
        return;
      default:
        this.#push(
          { kind: 'entry', entry: { ...entry } },
          entry.type === 'writer' ? entry.name.length * 3 : 0,
        );
    }
  }

  segment(segment: CommittedSegment): void {
    for (const view of segment.views) retainBlock(view);
    this.#push({ kind: 'segment', segment }, segment.length);
    this.#canonicalEnd = segment.offset + segment.length;
  }

  /** The batch as one frame at `position` of the file; `placed` learns where each segment's bytes go. */
  encode(position: number, placed: (segmentIndex: number, filePosition: number) => void): EncodedFrame {
    const out = new RecordWriter();
    const encoder = new RecordEncoder(out);
    const payloadAt = position + FRAME_HEADER_BYTES;
    for (const slot of this.#slots) {
      if (slot === undefined) continue;
      if (slot.kind === 'entry') encoder.entry(slot.entry);
      else if (slot.kind === 'position') encoder.entry(positionEntry(slot));
      else if (slot.kind === 'decided')
        encoder.entry({ type: 'decided', branch: slot.branch, bodyLength: slot.bodyLength });
      else if (slot.kind === 'extend') encoder.extend(slot.branch, slot.runs, slot.pieces.map(viewOf));
      else placed(slot.segment.index, payloadAt + encoder.segment(slot.segment.views, slot.segment.length));
    }
    const payload = out.finish();
    const bytes = FRAME_HEADER_BYTES + out.length;
    return {
      position,
      parts: [frameHeader(payload), ...payload],
      bytes,
      canonicalEnd: this.#canonicalEnd,
      done: () => {
        this.release();
      },
    };
  }

  /**
   * Ends the leases on what the batch holds: its bytes may change from then on, so this comes
   * once the frame made of it is written, or when it is given up. Idempotent.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const slot of this.#slots) {
      if (slot?.kind === 'extend') for (const piece of slot.pieces) releaseBlock(viewOf(piece));
      else if (slot?.kind === 'segment') for (const view of slot.segment.views) releaseBlock(view);
    }
  }

  #extend(branch: number, bytes: Uint8Array, atMs: number): void {
    const slot = this.#extends.get(branch);
    if (slot === undefined) {
      const created: ExtendSlot = {
        kind: 'extend',
        branch,
        runs: [{ atMs, openedAtMs: atMs, length: bytes.length }],
        pieces: [pieceOf(bytes)],
      };
      retainBlock(bytes);
      this.#extends.set(branch, created);
      this.#push(created, bytes.length);
      return;
    }
    const piece = slot.pieces[slot.pieces.length - 1];
    if (piece !== undefined && piece.buffer === bytes.buffer && piece.end === bytes.byteOffset) {
      piece.end += bytes.length;
    } else {
      slot.pieces.push(pieceOf(bytes));
      retainBlock(bytes);
    }
    const last = slot.runs[slot.runs.length - 1];
    if (last !== undefined && atMs >= last.openedAtMs && atMs - last.openedAtMs < RUN_SPAN_MS) {
      last.atMs = Math.max(last.atMs, atMs);
      last.length += bytes.length;
    } else {
      slot.runs.push({ atMs, openedAtMs: atMs, length: bytes.length });
    }
    this.#bytes += bytes.length + 4;
  }

  #position(writer: number, branch: number, length: number): void {
    const slot = this.#positions.get(writer);
    if (slot === undefined) {
      const created: MovingSlot & { kind: 'position' } = {
        kind: 'position',
        writer,
        branch,
        length,
        index: this.#slots.length,
      };
      this.#positions.set(writer, created);
      this.#push(created, 0);
      return;
    }
    slot.branch = branch;
    slot.length = length;
    this.#moveToEnd(slot);
  }

  #decide(branch: number, bodyLength: number): void {
    const slot = this.#decided;
    if (slot === undefined) {
      this.#decided = { kind: 'decided', branch, bodyLength, index: this.#slots.length };
      this.#push(this.#decided, 0);
      return;
    }
    slot.branch = branch;
    slot.bodyLength = bodyLength;
    this.#moveToEnd(slot);
  }

  /**
   * Keeps only the newest of a kind of entry, where it was made: the slot leaves its place for
   * the end. The holes left are dropped once they are half the slots.
   */
  #moveToEnd(slot: MovingSlot): void {
    this.#slots[slot.index] = undefined;
    slot.index = this.#slots.length;
    this.#slots.push(slot);
    if (this.#slots.length >= 64 && this.#holes() * 2 > this.#slots.length) this.#compact();
  }

  #holes(): number {
    return (
      this.#slots.length -
      this.#extends.size -
      this.#positions.size -
      (this.#decided === undefined ? 0 : 1) -
      this.#others
    );
  }

  #compact(): void {
    let kept = 0;
    for (const slot of this.#slots) {
      if (slot === undefined) continue;
      if (slot.kind === 'position' || slot.kind === 'decided') slot.index = kept;
      this.#slots[kept++] = slot;
    }
    this.#slots.length = kept;
  }

  #push(slot: Slot, bytes: number): void {
    this.#slots.push(slot);
    if (slot.kind === 'entry' || slot.kind === 'segment') this.#others++;
    this.#bytes += bytes + RECORD_OVERHEAD_BYTES;
  }
}

function positionEntry(slot: MovingSlot & { kind: 'position' }): Exclude<JournalEntry, { type: 'extend' }> {
  return { type: 'position', writer: slot.writer, branch: slot.branch, length: slot.length };
}

function pieceOf(bytes: Uint8Array): Piece {
  return { buffer: bytes.buffer, start: bytes.byteOffset, end: bytes.byteOffset + bytes.length };
}

function viewOf(piece: Piece): Uint8Array {
  return new Uint8Array(piece.buffer, piece.start, piece.end - piece.start);
}
