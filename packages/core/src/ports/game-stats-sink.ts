import type { GameId } from '../game-id.js';

export interface ReplayStats {
  /** Sum of Advance ticks, or null when there is no header or the body does not parse. */
  readonly ticks: number | null;
  /** Whether a replay file for this game is in the archive. */
  readonly available: boolean;
}

/** Where ticks and availability are recorded (`game_stats` in FAF mode, a local index standalone). */
export interface GameStatsSink {
  /**
   * Records the outcome of one replay. Never turns an available replay into an unavailable one.
   * Throws a `StatsError` on failure; the call can be retried.
   */
  record(gameId: GameId, stats: ReplayStats): Promise<void>;
}
