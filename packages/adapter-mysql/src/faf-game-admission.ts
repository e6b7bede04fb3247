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
  /** `replay.require_known_game`, for a writer that would create the replay. Default true. */
  readonly requireKnownGame?: boolean;
  /** `replay.require_known_player`, for every writer. Default false. */
  readonly requireKnownPlayer?: boolean;
  /** How long after `game_stats.endTime` a new replay of the game is still admitted. */
  readonly maxAgeAfterEndMs: number;
  readonly clock: Clock;
  /** Told when a database failure made the policy admit a writer unchecked. */
  readonly onWarning?: FafWarningListener;
}

const ADMITTED: FafAdmissionVerdict = Object.freeze({ admitted: true });

/**
 * FAF mode's writer checks. `requireKnownGame`: a new replay is admitted only for a game that
 * has a `game_stats` row and has not ended, or ended at most `maxAgeAfterEndMs` ago by `clock`.
 * `requireKnownPlayer`: a writer's player name must be the login of a human player of the game
 * in `game_player_stats`, compared exactly (FAF logins are unique, and the client launches the
 * game with the login as the lobby server gave it). A database failure admits, so that a live
 * game is never lost.
 */
export class FafGameAdmission implements GameAdmission {
  readonly #queries: FafGameQueries;
  readonly #options: Readonly<Required<Omit<FafGameAdmissionOptions, 'onWarning'>>> &
    Pick<FafGameAdmissionOptions, 'onWarning'>;

  constructor(database: FafDatabase, options: FafGameAdmissionOptions) {
    this.#queries = new FafGameQueries(database);
    this.#options = Object.freeze({ requireKnownGame: true, requireKnownPlayer: false, ...options });
  }

  async admit(request: AdmissionRequest): Promise<FafAdmissionVerdict> {
    const { gameId, playerName } = request;
    if (request.newReplay && this.#options.requireKnownGame) {
      const verdict = await this.#checked(gameId, `game ${gameId}`, () => this.#judgeGame(gameId));
      if (!verdict.admitted || verdict.reason !== undefined) return verdict;
    }
    if (!this.#options.requireKnownPlayer) return ADMITTED;
    const writer = `player ${JSON.stringify(playerName)} of game ${gameId}`;
    return this.#checked(gameId, writer, () => this.#judgePlayer(gameId, playerName));
  }

  /** Runs a check; a database failure admits, says so in the reason and warns. */
  async #checked(
    gameId: GameId,
    what: string,
    check: () => Promise<FafAdmissionVerdict>,
  ): Promise<FafAdmissionVerdict> {
    try {
      return await check();
    } catch (error) {
      const reason = `${what} admitted unchecked: the database failed`;
      this.#options.onWarning?.({ gameId, message: reason, cause: error });
      return { admitted: true, reason };
    }
  }

  async #judgeGame(gameId: GameId): Promise<FafAdmissionVerdict> {
    const game = await this.#queries.gameEnd(gameId);
    if (game === undefined) return { admitted: false, reason: `game ${gameId} is not in game_stats` };
    if (game.endTime === null) return ADMITTED;
    const sinceEndMs = this.#options.clock.now() - game.endTime.getTime();
    if (sinceEndMs <= this.#options.maxAgeAfterEndMs) return ADMITTED;
    const ended = game.endTime.toISOString();
    return {
      admitted: false,
      reason: `game ${gameId} ended at ${ended}, more than ${this.#options.maxAgeAfterEndMs} ms ago`,
    };
  }

  async #judgePlayer(gameId: GameId, playerName: string): Promise<FafAdmissionVerdict> {
    const players = await this.#queries.teamPlayers(gameId);
    if (players.some((player) => player.login === playerName)) return ADMITTED;
    return {
      admitted: false,
      reason: `${JSON.stringify(playerName)} is not a player of game ${gameId} in game_player_stats`,
    };
  }
}
