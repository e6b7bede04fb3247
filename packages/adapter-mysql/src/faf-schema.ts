import type { GameId } from '@faf-replay/core';

/**
 * The FAF tables as the replay server uses them (only those columns; see
 * ../shared/docs/faf-db-schema.md for the full shapes). Ids that are game ids are bound as
 * `bigint` (a `GameId`) and never selected. TIMESTAMP columns arrive as `Date`s read in UTC.
 * The per-mod `updates_<mod>` tables have dynamic names and are not listed here.
 */
export interface FafSchema {
  game_stats: GameStatsTable;
  game_player_stats: GamePlayerStatsTable;
  login: LoginTable;
  game_featuredMods: FeaturedModTable;
  map_version: MapVersionTable;
}

export interface GameStatsTable {
  id: GameId;
  startTime: Date;
  endTime: Date | null;
  gameType: string;
  gameMod: number;
  host: number;
  mapId: number | null;
  gameName: string;
  replay_ticks: number | null;
  replay_available: number;
}

export interface GamePlayerStatsTable {
  gameId: GameId;
  playerId: number;
  AI: number;
  /** NOT NULL in FAF's schema; a NULL would still map to the team key "null", as P does. */
  team: number | null;
}

export interface LoginTable {
  id: number;
  login: string;
}

export interface FeaturedModTable {
  id: number;
  gamemod: string | null;
}

export interface MapVersionTable {
  id: number;
  /** `maps/<folder>.zip`; a virtual column since migration V144. */
  filename: string | null;
}
