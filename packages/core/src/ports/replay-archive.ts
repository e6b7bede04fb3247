import type { GameId } from '../game-id.js';
import type { ReplayMetadata } from './replay-metadata.js';

/** A finished canonical replay, ready to be stored. */
export interface FinishedReplay {
  readonly gameId: GameId;
  readonly metadata: ReplayMetadata;
  /** The canonical SCFA header bytes. */
  readonly scfaHeader: Uint8Array;
  /** The canonical body, as chunks in order (shared, not copied: do not mutate). */
  readonly body: readonly Uint8Array[];
  /** Sum of Advance ticks of the body, or null when the body does not parse. */
  readonly ticks: number | null;
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly location: string }
  | { readonly kind: 'already-saved'; readonly location: string };

/** Where finished replays go: the vault. */
export interface ReplayArchive {
  /**
   * Publishes the replay atomically and exclusively: a reader of the vault sees either nothing or
   * the whole file, and an existing replay is never replaced (then the outcome is
   * `already-saved`). Throws an `ArchiveError` on an I/O failure, leaving nothing behind; the
   * call can then be retried.
   */
  save(replay: FinishedReplay): Promise<SaveOutcome>;
  /** Whether a replay for this game is already in the archive. */
  contains(gameId: GameId): Promise<boolean>;
}

/**
 * The last line of defence: replays that could not be archived before shutdown are kept here
 * and archived at the next start.
 */
export interface ReplaySpool {
  /** Keeps the replay durably (fsync'd). Throws a `SpoolError` if even that fails. */
  keep(replay: FinishedReplay): Promise<void>;
  /** The kept replays, oldest first. */
  list(): Promise<readonly FinishedReplay[]>;
  /** Forgets a kept replay once it is archived. Idempotent. */
  release(gameId: GameId): Promise<void>;
}
