import type { GameId } from '../game-id.js';
import type {
  CanonicalLog,
  CanonicalSegment,
  JournalEntry,
  RecoveredLog,
  ReplayLog,
  ReplayLogStore,
} from '../ports/replay-log.js';
import { StreamStateError } from './stream-state-error.js';
import { BlockBytes } from './block-bytes.js';
import { Changes } from './changes.js';
import { copyViews } from './copy-views.js';

/** The largest segment: a commit larger than this is cut into several. */
export const SEGMENT_MAX_BYTES = 256 * 1024;

/**
 * The canonical stream in memory, in shared blocks: every reader holds only a cursor, and all of
 * them wait on one set of wakers, woken at each commit and at the finish.
 */
export class MemoryCanonicalLog implements CanonicalLog {
  readonly #bytes = new BlockBytes();
  readonly #segmentStarts: number[] = [];
  readonly #changes = new Changes();
  #finished = false;

  get length(): number {
    return this.#bytes.length;
  }

  get segmentCount(): number {
    return this.#segmentStarts.length;
  }

  get finished(): boolean {
    return this.#finished;
  }

  append(bytes: readonly Uint8Array[]): void {
    if (this.#finished) throw new StreamStateError('canonical log appended to after it finished');
    let segmentLeft = 0;
    for (const chunk of bytes) {
      for (let offset = 0; offset < chunk.length;) {
        if (segmentLeft === 0) {
          this.#segmentStarts.push(this.#bytes.length);
          segmentLeft = SEGMENT_MAX_BYTES;
        }
        const count = Math.min(segmentLeft, chunk.length - offset);
        this.#bytes.append(chunk.subarray(offset, offset + count));
        offset += count;
        segmentLeft -= count;
      }
    }
    this.#changes.notify();
  }

  tail(from: number, to: number): Uint8Array[] {
    return this.#bytes.read(from, to);
  }

  read(from: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return readCommitted(this, this.#changes, from, signal, (start, end) => this.#bytes.read(start, end));
  }

  segment(n: number): Promise<CanonicalSegment | undefined> {
    const offset = this.segmentOffset(n);
    if (offset === undefined) return Promise.resolve(undefined);
    const end = this.segmentOffset(n + 1) ?? this.length;
    return Promise.resolve({ index: n, offset, bytes: concat(this.#bytes.read(offset, end), end - offset) });
  }

  segmentOffset(n: number): number | undefined {
    if (!Number.isInteger(n) || n < 0) return undefined;
    return this.#segmentStarts[n];
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#changes.notify();
  }
}

/**
 * What every canonical log's `read` does: yield what is committed from the cursor, wait for
 * more, end once finished. `views(from, to)` returns the committed bytes in [from, to).
 */
export async function* readCommitted(
  log: Pick<CanonicalLog, 'length' | 'finished'>,
  changes: Changes,
  from: number,
  signal: AbortSignal | undefined,
  views: (from: number, to: number) => Uint8Array[] | Promise<Uint8Array[]>,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (!Number.isInteger(from) || from < 0) throw new RangeError(`invalid read offset ${from}`);
  let cursor = from;
  while (!isAborted(signal)) {
    const end = log.length;
    if (cursor < end) {
      for (const view of await views(cursor, end)) {
        yield view;
        if (isAborted(signal)) return;
      }
      cursor = end;
    } else if (log.finished) {
      return;
    } else {
      await changes.next(signal);
    }
  }
}

/** Read through a function: the flag changes while a generator is suspended. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** One array of the views' bytes: a lone view as it is (this log's blocks never change), else a copy. */
function concat(views: readonly Uint8Array[], length: number): Uint8Array {
  return views.length === 1 ? (views[0] as Uint8Array) : copyViews(views, length);
}

/** A live game's log in this process's memory: nothing survives the process. */
export class MemoryReplayLog implements ReplayLog {
  readonly gameId: GameId;
  readonly canonical = new MemoryCanonicalLog();
  /** Tree changes seen (their bytes are not kept: a memory log is never recovered). */
  journaledEntries = 0;

  constructor(gameId: GameId) {
    this.gameId = gameId;
  }

  journal(entry: JournalEntry): void {
    if (entry.type === 'fork' || entry.type === 'extend') this.journaledEntries++;
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The default store: live games in memory. */
export class MemoryReplayLogStore implements ReplayLogStore {
  open(gameId: GameId): ReplayLog {
    return new MemoryReplayLog(gameId);
  }

  async *recover(): AsyncIterable<RecoveredLog> {
    // Nothing to recover.
  }
}
