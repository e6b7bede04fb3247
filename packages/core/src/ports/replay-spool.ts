import type { GameId } from '../game-id.js';
import type { FinishedReplay } from './replay-archive.js';

/** What the spool did with a replay it was asked to keep. */
export type SpoolOutcome =
  /** This replay is now the one kept for its game. */
  | { readonly kind: 'kept' }
  /**
   * The spool already held a longer replay of the same game (header and body bytes), and kept
   * that one: a spooled replay is never replaced by a shorter one.
   */
  | { readonly kind: 'longer-already-kept'; readonly keptBytes: number };

/**
 * The last line of defence: replays that could not be archived before shutdown are kept here
 * and archived at the next start. One replay is kept per game id. Every call is bounded by the
 * adapter's I/O timeout and then fails with a `SpoolError`.
 */
export interface ReplaySpool {
  /** Keeps the replay durably (fsync'd), streaming its body. Throws a `SpoolError` if even that fails. */
  keep(replay: FinishedReplay): Promise<SpoolOutcome>;
  /**
   * The kept replays that can be read, oldest first. A kept replay that cannot be read is left
   * out (and left in place), never failing the others; the list throws a `SpoolError` only
   * when the spool as a whole cannot be read. Bodies are read lazily, when `body()` is iterated.
   */
  list(): Promise<readonly FinishedReplay[]>;
  /** Forgets a kept replay once it is archived. Idempotent. */
  release(gameId: GameId): Promise<void>;
}
