import type { GameId } from '../game-id.js';

/**
 * What the `.fafreplay` JSON header says about a game (spec §7.6). The archive turns it into
 * the exact JSON line of the Rust server; `origin` tells whether it came from the FAF database
 * or was derived from the SCFA header alone (standalone mode, or a database outage).
 */
export interface ReplayMetadata {
  readonly gameId: GameId;
  readonly featuredMod: string | null;
  /** fileId (decimal string) → version. Serialized with keys sorted as strings. */
  readonly featuredModVersions: ReadonlyMap<string, number>;
  readonly gameEndS: number;
  readonly gameType: string;
  readonly host: string;
  readonly launchedAtS: number;
  readonly mapName: string;
  readonly numPlayers: number;
  readonly recorder: string;
  /** team (decimal string, or "null") → logins in row order. Serialized with keys sorted as strings. */
  readonly teams: ReadonlyMap<string, readonly string[]>;
  readonly title: string;
  readonly origin: 'faf-database' | 'scfa-header';
}
