import type { GameId } from '@faf-replay/core';
import { sql, type CompiledQuery } from 'kysely';
import type { FafDatabase, WriteOutcome } from './faf-database.js';
import { fafQueryBuilder as faf } from './faf-query-builder.js';

/** Spec §8.2 query 2. */
export interface GameRow {
  readonly start_time: Date;
  readonly end_time: Date | null;
  readonly game_type: string;
  readonly host: string;
  readonly game_name: string;
  readonly game_mod: string | null;
  readonly file_name: string | null;
}

/** Spec §8.2 query 1. */
export interface TeamPlayerRow {
  readonly login: string;
  readonly team: number | null;
}

export interface ModVersions {
  /** fileId (decimal string) → newest version. */
  readonly versions: ReadonlyMap<string, number>;
  /** Why the versions of a named mod are empty without asking the database, or why the query failed. */
  readonly problem?: { readonly message: string; readonly cause?: unknown };
}

/** `updates_<mod>` table names are built from the mod name, so it must be a plain identifier. */
const modNamePattern = /^[a-zA-Z0-9_-]+$/;
/** The ladder uses faf's files and has no tables of its own. */
const modsWithoutTables: ReadonlySet<string> = new Set(['ladder1v1']);

/**
 * The replay server's statements: R's (spec §8.2, §8.3), built with kysely and run by
 * `FafDatabase`. No views (MySQL error 1615), `map_version` LEFT JOINed, host and mod INNER JOINed.
 * Every method throws a `DatabaseError`, except `featuredModVersions`.
 */
export class FafGameQueries {
  readonly #database: FafDatabase;

  constructor(database: FafDatabase) {
    this.#database = database;
  }

  async gameRow(gameId: GameId): Promise<GameRow | undefined> {
    const rows = await this.#database.select(`game row of ${gameId}`, gameRowQuery(gameId));
    return rows[0];
  }

  async playerCount(gameId: GameId): Promise<number> {
    const query = faf
      .selectFrom('game_player_stats')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('game_player_stats.gameId', '=', gameId)
      .compile();
    const rows = await this.#database.select(`player count of ${gameId}`, query);
    return rows[0]?.count ?? 0;
  }

  /** Human players (AI excluded), in row order. */
  async teamPlayers(gameId: GameId): Promise<TeamPlayerRow[]> {
    const query = faf
      .selectFrom('game_stats')
      .innerJoin('game_player_stats', 'game_player_stats.gameId', 'game_stats.id')
      .innerJoin('login', 'login.id', 'game_player_stats.playerId')
      .select(['login.login as login', 'game_player_stats.team as team'])
      .where('game_stats.id', '=', gameId)
      .where('game_player_stats.AI', '=', sql.lit(0))
      .compile();
    return this.#database.select(`players of ${gameId}`, query);
  }

  /** Never throws: a skipped or failed lookup gives no versions and says why in `problem`. */
  async featuredModVersions(mod: string): Promise<ModVersions> {
    if (modsWithoutTables.has(mod)) return { versions: new Map() };
    if (!modNamePattern.test(mod)) {
      return {
        versions: new Map(),
        problem: { message: `featured mod name ${JSON.stringify(mod)} is not a table name` },
      };
    }
    try {
      const rows = await this.#database.select(`file versions of ${mod}`, modVersionsQuery(mod));
      return { versions: new Map(rows.map((row) => [String(row.file_id), row.version])) };
    } catch (error) {
      return {
        versions: new Map(),
        problem: { message: `no file versions for featured mod ${mod}`, cause: error },
      };
    }
  }

  /** `game_stats.endTime` of a game, or undefined when the game is unknown. */
  async gameEnd(gameId: GameId): Promise<{ readonly endTime: Date | null } | undefined> {
    const query = faf
      .selectFrom('game_stats')
      .select('game_stats.endTime as endTime')
      .where('game_stats.id', '=', gameId)
      .compile();
    const rows = await this.#database.select(`end time of ${gameId}`, query);
    return rows[0];
  }

  /**
   * R's UPDATE of ticks and availability. When the replay is not available, the row is only
   * touched while no replay is recorded as available, so an available replay keeps both its
   * flag and its ticks. 0 matched rows is not an error.
   */
  recordReplay(gameId: GameId, ticks: number | null, available: boolean): Promise<WriteOutcome> {
    let query = faf
      .updateTable('game_stats')
      .set({ replay_ticks: ticks, replay_available: available ? 1 : 0 })
      .where('game_stats.id', '=', gameId);
    if (!available) query = query.where('game_stats.replay_available', '=', 0);
    return this.#database.write(`replay stats of ${gameId}`, query.compile());
  }
}

function gameRowQuery(gameId: GameId): CompiledQuery<GameRow> {
  return faf
    .selectFrom('game_stats')
    .innerJoin('login', 'login.id', 'game_stats.host')
    .innerJoin('game_featuredMods', 'game_stats.gameMod', 'game_featuredMods.id')
    .leftJoin('map_version', 'game_stats.mapId', 'map_version.id')
    .select([
      'game_stats.startTime as start_time',
      'game_stats.endTime as end_time',
      'game_stats.gameType as game_type',
      'login.login as host',
      'game_stats.gameName as game_name',
      'game_featuredMods.gamemod as game_mod',
      'map_version.filename as file_name',
    ])
    .where('game_stats.id', '=', gameId)
    .compile();
}

/** Only for names that match `modNamePattern`; identifiers are still quoted by kysely. */
function modVersionsQuery(mod: string): CompiledQuery<{ file_id: number; version: number }> {
  const updates = `updates_${mod}`;
  const files = `updates_${mod}_files`;
  return sql<{ file_id: number; version: number }>`
    SELECT ${sql.ref(`${files}.fileId`)} AS file_id, MAX(${sql.ref(`${files}.version`)}) AS version
    FROM ${sql.table(updates)}
    INNER JOIN ${sql.table(files)} ON ${sql.ref('fileId')} = ${sql.ref(`${updates}.id`)}
    GROUP BY ${sql.ref(`${files}.fileId`)}`.compile(faf);
}
