import type { GameId } from '../game-id.js';
import type { ReplayMetadata } from './replay-metadata.js';

/** A finished canonical replay, ready to be stored. */
export interface FinishedReplay {
  readonly gameId: GameId;
  readonly metadata: ReplayMetadata;
  /** The canonical SCFA header bytes. */
  readonly scfaHeader: Uint8Array;
  /**
   * The canonical body, read from its start on every call (a save may be retried). Chunks are
   * shared, not copied: do not mutate them. Iterating may throw (a spooled body on a failing disk).
   */
  readonly body: () => AsyncIterable<Uint8Array>;
  /** The body's length in bytes: what `body()` yields in total. */
  readonly bodyLength: number;
  /** Sum of Advance ticks of the body, or null when the body does not parse. */
  readonly ticks: number | null;
}

/** What the archive did with a replay. */
export type ArchiveOutcome =
  /** This call stored it. */
  | { readonly kind: 'archived'; readonly location: string }
  /** A replay of the game was already there, and was left alone. */
  | { readonly kind: 'already-archived'; readonly location: string };

/** Where finished replays go: the vault. */
export interface ReplayArchive {
  /**
   * Publishes the replay atomically and exclusively: a reader of the vault sees either nothing or
   * the whole file, and an existing replay is never replaced (then the outcome is
   * `already-archived`). Streams the body: never holds a second whole copy of it. Throws an
   * `ArchiveError` on an I/O failure, or when the storage makes no progress for the adapter's
   * I/O timeout, leaving nothing behind; the call can then be retried.
   */
  save(replay: FinishedReplay): Promise<ArchiveOutcome>;
  /** Whether a replay for this game is already in the archive. Throws an `ArchiveError` on failure. */
  contains(gameId: GameId): Promise<boolean>;
}
