import type { JournalEntry } from '@faf-replay/core';
import type { EncodedFrame } from './log-frame.js';
import { FRAME_HEADER_BYTES, frameHeader } from './log-frame.js';
import type { ExtendRun } from './log-records.js';
import { RecordEncoder } from './log-records.js';
import { RecordWriter } from './record-writer.js';

/** A committed canonical segment, as the canonical log hands it over to be written. */
export interface CommittedSegment {
  readonly index: number;
  /** Its first offset in the canonical stream. */
  readonly offset: number;
  /** Its bytes: views of immutable memory, valid until written. */
  readonly views: readonly Uint8Array[];
  readonly length: number;
}

type PlainEntry = Exclude<JournalEntry, { type: 'extend' }>;

interface ExtendSlot {
  readonly kind: 'extend';
  readonly branch: number;
  readonly runs: StampedRun[];
  /** Its bytes, as given (an extend's bytes never change). */
  readonly views: Uint8Array[];
}

/** A run, and when its first bytes arrived (it takes later bytes for `RUN_SPAN_MS` from then). */
interface StampedRun extends ExtendRun {
  readonly openedAtMs: number;
}

type Slot =
  | { readonly kind: 'entry'; readonly entry: PlainEntry }
  | ExtendSlot
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
 * Canonical segments stay in order. The bytes of extends and segments are held as they are given
 * (they never change, as the ports promise); the other entries are copied, since the caller's
 * arrays are only valid during the call.
 */
export class JournalBatch {
  readonly #slots: (Slot | undefined)[] = [];
  readonly #extends = new Map<number, ExtendSlot>();
  readonly #positions = new Map<number, number>();
  #decided: number | undefined;
  #bytes = 0;
  #canonicalEnd: number | undefined;

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
        this.#replacing(
          this.#positions.get(entry.writer),
          (index) => this.#positions.set(entry.writer, index),
          {
            ...entry,
          },
        );
        return;
      case 'decided':
        this.#replacing(this.#decided, (index) => (this.#decided = index), { ...entry });
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
      else if (slot.kind === 'extend') encoder.extend(slot.branch, slot.runs, slot.views);
      else placed(slot.segment.index, payloadAt + encoder.segment(slot.segment.views, slot.segment.length));
    }
    const payload = out.finish();
    const bytes = FRAME_HEADER_BYTES + out.length;
    return { position, parts: [frameHeader(payload), ...payload], bytes, canonicalEnd: this.#canonicalEnd };
  }

  #extend(branch: number, bytes: Uint8Array, atMs: number): void {
    const slot = this.#extends.get(branch);
    if (slot === undefined) {
      const created: ExtendSlot = {
        kind: 'extend',
        branch,
        runs: [{ atMs, openedAtMs: atMs, length: bytes.length }],
        views: [bytes],
      };
      this.#extends.set(branch, created);
      this.#push(created, bytes.length);
      return;
    }
    slot.views.push(bytes);
    const last = slot.runs[slot.runs.length - 1];
    if (last !== undefined && atMs >= last.openedAtMs && atMs - last.openedAtMs < RUN_SPAN_MS) {
      const length = last.length + bytes.length;
      slot.runs[slot.runs.length - 1] = {
        atMs: Math.max(last.atMs, atMs),
        openedAtMs: last.openedAtMs,
        length,
      };
    } else {
      slot.runs.push({ atMs, openedAtMs: atMs, length: bytes.length });
    }
    this.#bytes += bytes.length + 4;
  }

  /** Keeps only the newest of a kind of entry: the old slot (if any) is emptied, the new one appended. */
  #replacing(old: number | undefined, remember: (index: number) => void, entry: PlainEntry): void {
    if (old !== undefined) {
      this.#slots[old] = undefined;
      this.#bytes -= RECORD_OVERHEAD_BYTES;
    }
    remember(this.#slots.length);
    this.#push({ kind: 'entry', entry }, 0);
  }

  #push(slot: Slot, bytes: number): void {
    this.#slots.push(slot);
    this.#bytes += bytes + RECORD_OVERHEAD_BYTES;
  }
}
