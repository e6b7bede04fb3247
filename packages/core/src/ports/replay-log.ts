import type { GameId } from '../game-id.js';

/**
 * A change to a live game's writer data, as the merge makes it (design.md, "The replay log").
 * The writers' bytes form a prefix tree of numbered branches: what they agree on is stored once,
 * each divergent branch once, and each writer is a position in the tree. Replaying the entries
 * of a game in order rebuilds its tree, so a game survives the process that received it.
 *
 * Body offsets count from the first body byte (the SCFA header excluded). `atMs` is the clock's
 * time when the bytes arrived. The bytes of an `extend` are views of the merge's own storage,
 * valid during the `journal` call: an implementation that keeps them past it either copies them
 * or leases their blocks (`retainBlock`, then `releaseBlock` when done with them), since the
 * merge's blocks come from a `BlockPool` and are reused once nobody holds them. Other byte arrays
 * are only valid during the call: an implementation that keeps them copies them.
 */
export type JournalEntry =
  /** A writer joined the game; ids count from 0 in join order. */
  | { readonly type: 'writer'; readonly writer: number; readonly name: string; readonly atMs: number }
  /** A writer's complete SCFA header. */
  | { readonly type: 'header'; readonly writer: number; readonly bytes: Uint8Array; readonly atMs: number }
  /**
   * A new branch, starting at body offset `at` of `parent` (an alternative to the parent's own
   * byte there); `parent` is null for the first branch (at 0). Its bytes follow as `extend`.
   */
  | { readonly type: 'fork'; readonly branch: number; readonly parent: number | null; readonly at: number }
  /** Bytes appended at the end of a branch. */
  | { readonly type: 'extend'; readonly branch: number; readonly bytes: Uint8Array; readonly atMs: number }
  /** Where a writer is now: `length` body bytes received, the last of them on `branch`. */
  | { readonly type: 'position'; readonly writer: number; readonly branch: number; readonly length: number }
  /** A writer's connection ended. */
  | { readonly type: 'left'; readonly writer: number; readonly atMs: number }
  /**
   * The canonical body was decided up to `bodyLength`, its last decided byte on `branch`: every
   * branch off the path to it below that offset lost. Written when the deciding branch changes.
   */
  | { readonly type: 'decided'; readonly branch: number; readonly bodyLength: number };

/**
 * The committed canonical stream of one game: the decided SCFA header, then the decided body,
 * as one byte sequence (offsets count from the header's first byte), cut into numbered immutable
 * segments. What is committed is what readers may have: commits happen at the delay horizon.
 *
 * Contract: bytes are only ever appended, and a committed byte never changes. What `read` yields
 * and `segment` returns never changes either: a reader may keep it (queued in a socket's buffer,
 * say) for as long as it likes, and share it with any number of readers. Views from `tail` are
 * for the caller's synchronous use only. Segment n covers [offset(n), offset(n+1)).
 */
export interface CanonicalLog {
  /** Committed bytes (header included). Never decreases. */
  readonly length: number;
  /** Segments committed so far (segment 0 is the header). */
  readonly segmentCount: number;
  /** Whether `finish()` was called: no more bytes will come. */
  readonly finished: boolean;
  /**
   * Commits `bytes` (in order) as the next segment, or as several when they exceed the segment
   * size bound. They are views of the merge's pooled blocks, valid during the call: the log copies
   * what it keeps, or leases the blocks (`retainBlock`/`releaseBlock`). Synchronous: the merge
   * calls it inside a decision. Throws after finish.
   */
  append(bytes: readonly Uint8Array[]): void;
  /**
   * The committed bytes in [from, to) as views, synchronously: only within the hot window, the last
   * `hotBytes` (given when the log was opened) before `length`. RangeError outside it. Valid
   * until the next `append` (the merge compares with them at once).
   */
  tail(from: number, to: number): Uint8Array[];
  /**
   * The committed bytes from `from` on, as they are committed: yields what exists, waits for more,
   * and returns once finished and everything was yielded, or when `signal` aborts. From any offset;
   * one past the end of a finished stream returns at once. Views are shared: do not mutate them.
   */
  read(from: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Segment `n` once committed: its first offset and bytes. Undefined when not (yet) committed. */
  segment(n: number): Promise<CanonicalSegment | undefined>;
  /** Where segment `n` starts, synchronously; undefined when it is not committed. */
  segmentOffset(n: number): number | undefined;
  /** No more bytes: readers get their end. Idempotent. */
  finish(): void;
}

export interface CanonicalSegment {
  readonly index: number;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/**
 * One live game's log: its writer data (the journal) and its committed canonical stream.
 * Implementations: in memory (core, the default), files under `storage.live_path`, NATS JetStream.
 * All pass the contract suite exported from `@faf-replay/core/testing`.
 */
export interface ReplayLog {
  readonly gameId: GameId;
  /**
   * Records a change to the writer data. Synchronous and cheap: an implementation batches, and
   * makes the entries durable within its sync interval. Never throws for I/O: a failing log goes
   * on in memory and reports the fault through `sync()`.
   */
  journal(entry: JournalEntry): void;
  readonly canonical: CanonicalLog;
  /** Resolves once everything journaled and committed so far is durable; rejects on an I/O fault. */
  sync(): Promise<void>;
  /**
   * The game is over and saved (or spooled): its log is deleted, or marked for retention. Readers
   * still reading may finish. Idempotent.
   */
  remove(): Promise<void>;
  /** Stops background work without removing anything (shutdown): the log stays recoverable. */
  close(): Promise<void>;
}

/** What a log left by a previous process holds: everything needed to finish its game. */
export interface RecoveredLog {
  readonly log: ReplayLog;
  /** The journal, in order. */
  readonly entries: AsyncIterable<JournalEntry>;
}

/** Where live games' logs are kept. */
export interface ReplayLogStore {
  /**
   * Opens the log of a new live game. `hotBytes`: how far back `canonical.tail` must reach.
   * Synchronous: an implementation that needs I/O to open does it in the background and reports
   * a failure through `sync()`.
   */
  open(gameId: GameId, options: { readonly hotBytes: number }): ReplayLog;
  /**
   * The logs that no live process owns: games that were live in a process that died (or closed
   * its store), each to be finished and saved by the caller, which owns them from then on. May be
   * called again and again, since a peer sharing the storage may die at any time: each log is
   * yielded once, to one caller, whichever process it runs in. Empty for a store that keeps
   * nothing across processes.
   */
  recover(options: { readonly hotBytes: number }): AsyncIterable<RecoveredLog>;
}
