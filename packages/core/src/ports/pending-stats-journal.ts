import type { GameId } from '../game-id.js';
import type { ReplayStats } from './game-stats-sink.js';

export interface PendingStats {
  readonly gameId: GameId;
  readonly stats: ReplayStats;
}

/**
 * Stats records not yet accepted by the stats sink, kept durably so that a database outage (or a
 * restart during one) loses none of them.
 */
export interface PendingStatsJournal {
  /** Keeps the record durably (fsync'd), replacing an older one of the same game. Throws a `StatsError` on failure. */
  put(pending: PendingStats): Promise<void>;
  /** Every kept record. */
  list(): Promise<readonly PendingStats[]>;
  /** Forgets the record of a game. Idempotent. */
  remove(gameId: GameId): Promise<void>;
}
