import { StatsError, type GameId, type GameStatsSink, type ReplayStats } from '@faf-replay/core';
import type { FafDatabase } from './faf-database.js';
import { FafGameQueries } from './faf-game-queries.js';

/**
 * Records ticks and availability in `game_stats` with R's UPDATE (spec §8.3). It never turns an
 * available replay into an unavailable one: an unavailable outcome leaves a row that already says
 * `replay_available = 1` untouched, ticks included (R would overwrite both). A game without a row
 * is not an error. A database failure is a `StatsError`; the call can be retried.
 */
export class FafStatsSink implements GameStatsSink {
  readonly #queries: FafGameQueries;

  constructor(database: FafDatabase) {
    this.#queries = new FafGameQueries(database);
  }

  async record(gameId: GameId, stats: ReplayStats): Promise<void> {
    try {
      await this.#queries.recordReplay(gameId, stats.ticks, stats.available);
    } catch (error) {
      throw new StatsError(`could not record the replay stats of game ${gameId}`, { cause: error });
    }
  }
}
