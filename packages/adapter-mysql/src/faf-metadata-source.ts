import {
  MetadataUnavailableError,
  type GameFacts,
  type GameId,
  type GameMetadataSource,
  type ReplayMetadata,
} from '@faf-replay/core';
import type { FafDatabase } from './faf-database.js';
import { FafGameQueries, type GameRow, type TeamPlayerRow } from './faf-game-queries.js';
import { mapNameFromFile } from './map-name.js';

/** Something the app should log as a warning: the replay is still saved. */
export interface FafWarning {
  readonly gameId: GameId;
  readonly message: string;
  readonly cause?: unknown;
}

export type FafWarningListener = (warning: FafWarning) => void;

export interface FafMetadataSourceOptions {
  /** Told when a featured mod's file versions are left empty because of a skip or a failure. */
  readonly onWarning?: FafWarningListener;
}

/**
 * The JSON header's content from the FAF database, with R's queries in R's order (game row,
 * player count, team players, then mod file versions). A missing game row (or host/mod row) or
 * any database failure of the first three queries is a `MetadataUnavailableError`; the core then
 * falls back to the SCFA header. A failed mod-version lookup only empties the versions.
 */
export class FafMetadataSource implements GameMetadataSource {
  readonly #queries: FafGameQueries;
  readonly #onWarning: FafWarningListener;

  constructor(database: FafDatabase, options: FafMetadataSourceOptions = {}) {
    this.#queries = new FafGameQueries(database);
    this.#onWarning = options.onWarning ?? (() => undefined);
  }

  async describe(facts: GameFacts): Promise<ReplayMetadata> {
    const { gameId } = facts;
    const [game, numPlayers, players] = await this.#gameRows(gameId);
    return {
      gameId,
      featuredMod: game.game_mod,
      featuredModVersions: await this.#modVersions(gameId, game.game_mod),
      gameEndS: toUnixSeconds(game.end_time ?? new Date(facts.endedAtMs)),
      gameType: game.game_type,
      host: game.host,
      launchedAtS: toUnixSeconds(game.start_time),
      mapName: mapNameFromFile(game.file_name),
      numPlayers,
      recorder: game.host,
      teams: groupByTeam(players),
      title: game.game_name,
      origin: 'faf-database',
    };
  }

  async #gameRows(gameId: GameId): Promise<[GameRow, number, TeamPlayerRow[]]> {
    try {
      const game = await this.#queries.gameRow(gameId);
      if (game === undefined) {
        throw new MetadataUnavailableError(`game ${gameId} has no game_stats row with host and featured mod`);
      }
      const numPlayers = await this.#queries.playerCount(gameId);
      return [game, numPlayers, await this.#queries.teamPlayers(gameId)];
    } catch (error) {
      if (error instanceof MetadataUnavailableError) throw error;
      throw new MetadataUnavailableError(`no metadata for game ${gameId} from the database`, {
        cause: error,
      });
    }
  }

  async #modVersions(gameId: GameId, mod: string | null): Promise<ReadonlyMap<string, number>> {
    if (mod === null) return new Map();
    const { versions, problem } = await this.#queries.featuredModVersions(mod);
    if (problem !== undefined) this.#onWarning({ gameId, ...problem });
    return versions;
  }
}

function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** team (decimal string, or "null") → logins, in row order. */
function groupByTeam(players: readonly TeamPlayerRow[]): Map<string, string[]> {
  const teams = new Map<string, string[]>();
  for (const { login, team } of players) {
    const key = team === null ? 'null' : String(team);
    const members = teams.get(key);
    if (members === undefined) teams.set(key, [login]);
    else members.push(login);
  }
  return teams;
}
