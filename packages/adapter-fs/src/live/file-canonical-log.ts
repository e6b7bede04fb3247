import type { CanonicalLog, CanonicalSegment } from '@faf-replay/core';
import { SEGMENT_MAX_BYTES } from '@faf-replay/core';
import { Changes, copyViews } from '@faf-replay/core';
import type { CommittedSegment } from './journal-batch.js';
import { LiveLogError } from './live-log-error.js';
import { RecentBytes } from './recent-bytes.js';
import { SegmentIndex } from './segment-index.js';

/** The most a reader behind the memory gets from one disk read. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Where committed bytes that left memory are read back from: the game's log file. */
export interface CanonicalStore {
  read(position: number, length: number): Promise<Uint8Array>;
  /** A reader started: the file stays readable until `release`. */
  retain(): void;
  release(): void;
}

/** A canonical stream read back from a log file. */
export interface StoredCanonical {
  readonly index: SegmentIndex;
  readonly length: number;
  /** Its last bytes, at least the hot window and the last segment. */
  readonly recent: RecentBytes;
}

/**
 * The committed canonical stream of a game whose log is a file. Memory holds only the recent end:
 * the hot window (`tail`), the last segment (what readers at the live edge read next), and
 * whatever is not written to the file yet. Readers further behind read the file, a chunk at a
 * time, through the segment index.
 *
 * The recent end is the merge's own blocks, leased (`RecentBytes`), which go back to its pool
 * once trimmed. A reader may keep what it got for long (in a slow socket's buffer), so readers and
 * `segment` get copies: one per range, shared by the readers that ask for the same range (those
 * at the live edge, woken by the same commit).
 */
export class FileCanonicalLog implements CanonicalLog {
  readonly #hotBytes: number;
  readonly #store: CanonicalStore;
  readonly #committed: (segment: CommittedSegment) => void;
  readonly #index: SegmentIndex;
  readonly #recent: RecentBytes;
  readonly #changes = new Changes();
  #length: number;
  /** Bytes before this offset are written to the file. */
  #writtenEnd: number;
  #finished = false;
  /** The last copy of recent bytes made for readers. */
  #shared: { readonly from: number; readonly bytes: Uint8Array } | undefined;

  /** `committed` receives every new segment, to be written. */
  constructor(
    hotBytes: number,
    store: CanonicalStore,
    committed: (segment: CommittedSegment) => void,
    stored?: StoredCanonical,
  ) {
    if (!Number.isSafeInteger(hotBytes) || hotBytes < 0)
      throw new RangeError(`invalid hot window ${hotBytes}`);
    this.#hotBytes = hotBytes;
    this.#store = store;
    this.#committed = committed;
    this.#index = stored?.index ?? new SegmentIndex();
    this.#recent = stored?.recent ?? new RecentBytes();
    this.#length = stored?.length ?? 0;
    this.#writtenEnd = this.#length;
  }

  get length(): number {
    return this.#length;
  }

  get segmentCount(): number {
    return this.#index.count;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Where in the file a segment's bytes went (once its frame is placed). */
  placeSegment(segment: number, filePosition: number): void {
    this.#index.place(segment, filePosition);
  }

  /** The file now holds everything before `end`: memory may let it go. */
  written(end: number): void {
    this.#writtenEnd = Math.max(this.#writtenEnd, end);
    this.#trim();
  }

  append(bytes: readonly Uint8Array[]): void {
    if (this.#finished) throw new LiveLogError('usage', 'canonical log appended to after it finished');
    let open: { index: number; offset: number } | undefined;
    let segmentLeft = 0;
    for (const chunk of bytes) {
      for (let at = 0; at < chunk.length;) {
        if (segmentLeft === 0) {
          if (open !== undefined) this.#commit(open.index, open.offset);
          open = { index: this.#index.add(this.#length), offset: this.#length };
          segmentLeft = SEGMENT_MAX_BYTES;
        }
        const count = Math.min(segmentLeft, chunk.length - at);
        this.#recent.append(chunk.subarray(at, at + count));
        this.#length += count;
        at += count;
        segmentLeft -= count;
      }
    }
    if (open !== undefined) this.#commit(open.index, open.offset);
    this.#trim();
    this.#changes.notify();
  }

  tail(from: number, to: number): Uint8Array[] {
    const hotFrom = Math.max(0, this.#length - this.#hotBytes);
    if (from < hotFrom || from > to || to > this.#length) {
      throw new RangeError(`bytes [${from}, ${to}) are outside the hot window [${hotFrom}, ${this.#length})`);
    }
    return this.#recent.read(from, to);
  }

  read(from: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`invalid read offset ${from}`);
    return this.#readFrom(from, signal);
  }

  async segment(n: number): Promise<CanonicalSegment | undefined> {
    const offset = this.#index.start(n);
    if (offset === undefined) return undefined;
    const end = this.#index.start(n + 1) ?? this.#length;
    if (offset >= this.#recent.start) {
      return { index: n, offset, bytes: copyViews(this.#recent.read(offset, end), end - offset) };
    }
    return { index: n, offset, bytes: await this.#store.read(this.#index.position(n), end - offset) };
  }

  segmentOffset(n: number): number | undefined {
    return this.#index.start(n);
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#changes.notify();
  }

  async *#readFrom(
    from: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    this.#store.retain();
    try {
      let cursor = from;
      while (!isAborted(signal)) {
        const end = this.#length;
        if (cursor < end) {
          const views =
            cursor >= this.#recent.start ? [this.#recentCopy(cursor, end)] : await this.#readStored(cursor);
          for (const view of views) {
            yield view;
            cursor += view.length;
            if (isAborted(signal)) return;
          }
        } else if (this.#finished) {
          return;
        } else {
          await this.#changes.next(signal);
        }
      }
    } finally {
      this.#store.release();
    }
  }

  /**
   * Bytes from `from` on that left memory, from one file read of at most READ_CHUNK_BYTES: the
   * consecutive segments that fit (journal records lie between them in the file).
   */
  async #readStored(from: number): Promise<Uint8Array[]> {
    const index = this.#index;
    const to = this.#recent.start;
    let segment = index.locate(from);
    const firstAt = index.position(segment) + (from - (index.start(segment) as number));
    const pieces: { at: number; length: number }[] = [];
    let fileEnd = firstAt;
    for (let offset = from; offset < to; segment++) {
      const start = index.start(segment) as number;
      const available = Math.min(index.start(segment + 1) ?? this.#length, to) - offset;
      const at = index.position(segment) + (offset - start);
      const length = pieces.length === 0 ? Math.min(available, READ_CHUNK_BYTES) : available;
      if (pieces.length > 0 && at + length - firstAt > READ_CHUNK_BYTES) break;
      pieces.push({ at: at - firstAt, length });
      fileEnd = at + length;
      offset += length;
      if (length < available) break;
    }
    const bytes = await this.#store.read(firstAt, fileEnd - firstAt);
    return pieces.map((piece) => bytes.subarray(piece.at, piece.at + piece.length));
  }

  /**
   * The recent bytes in [from, to), at most READ_CHUNK_BYTES of them, as a copy shared by the
   * readers that ask for it before the event loop moves on (those woken by the same commit). The
   * log lets go of it then: held until the next commit, a second later, it would outlive the
   * young generation, and only a full collection would free it.
   */
  #recentCopy(from: number, to: number): Uint8Array {
    const until = Math.min(to, from + READ_CHUNK_BYTES);
    const shared = this.#shared;
    if (shared?.from === from && shared.bytes.length === until - from) return shared.bytes;
    const bytes = copyViews(this.#recent.read(from, until), until - from);
    if (shared === undefined) setImmediate(this.#forgetShared);
    this.#shared = { from, bytes };
    return bytes;
  }

  readonly #forgetShared = (): void => {
    this.#shared = undefined;
  };

  #commit(index: number, offset: number): void {
    const length = this.#length - offset;
    this.#committed({ index, offset, length, views: this.#recent.read(offset, this.#length) });
  }

  /** Keeps the hot window, the last segment, and what the file does not hold yet. */
  #trim(): void {
    const lastSegment = this.#index.start(this.#index.count - 1) ?? 0;
    this.#recent.discardBefore(Math.min(this.#length - this.#hotBytes, lastSegment, this.#writtenEnd));
  }
}

/** Read through a function: the flag changes while a generator is suspended. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
