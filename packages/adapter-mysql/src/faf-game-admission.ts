import type { AdmissionRequest, Clock, GameAdmission, GameId } from '@faf-replay/core';
import type { FafDatabase } from './faf-database.js';
import { FafGameQueries } from './faf-game-queries.js';
import type { FafWarningListener } from './faf-metadata-source.js';

/**
 * The port's verdict, with a reason on admissions too (a database failure), for the log. It is
 * assignable to the core's `AdmissionVerdict`.
 */
export type FafAdmissionVerdict =
  | { readonly admitted: true; readonly reason?: string }
  | { readonly admitted: false; readonly reason: string };

export interface FafGameAdmissionOptions {
  /** How long after `game_stats.endTime` a new replay of the game is still admitted. */
  readonly maxAgeAfterEndMs: number;
  readonly clock: Clock;
  /** Told when a database failure made the policy admit a game unchecked. */
  readonly onWarning?: FafWarningListener;
}

/**
 * `replay.require_known_game`: a new replay is admitted only for a game that has a `game_stats`
 * row and has not ended, or ended at most `maxAgeAfterEndMs` ago by `clock`. A database failure
 * admits, so that a live game is never lost.
 */
export class FafGameAdmission implements GameAdmission {
  readonly #queries: FafGameQueries;
  readonly #options: FafGameAdmissionOptions;

  constructor(database: FafDatabase, options: FafGameAdmissionOptions) {
    this.#queries = new FafGameQueries(database);
    this.#options = Object.freeze({ ...options });
  }

  async admit(request: AdmissionRequest): Promise<FafAdmissionVerdict> {
    if (!request.newReplay) return { admitted: true };
    const { gameId } = request;
    let game: { readonly endTime: Date | null } | undefined;
    try {
      game = await this.#queries.gameEnd(gameId);
    } catch (error) {
      const reason = `game ${gameId} admitted unchecked: the database failed`;
      this.#options.onWarning?.({ gameId, message: reason, cause: error });
      return { admitted: true, reason };
    }
    if (game === undefined) return { admitted: false, reason: `game ${gameId} is not in game_stats` };
    return this.#judgeEnd(gameId, game.endTime);
  }

  #judgeEnd(gameId: GameId, endTime: Date | null): FafAdmissionVerdict {
    if (endTime === null) return { admitted: true };
    const sinceEndMs = this.#options.clock.now() - endTime.getTime();
    if (sinceEndMs <= this.#options.maxAgeAfterEndMs) return { admitted: true };
    const ended = endTime.toISOString();
    return {
      admitted: false,
      reason: `game ${gameId} ended at ${ended}, more than ${this.#options.maxAgeAfterEndMs} ms ago`,
    };
  }
}
