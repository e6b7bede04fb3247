import type { GameFacts, GameMetadataSource } from '../ports/game-metadata-source.js';
import type { ReplayMetadata } from '../ports/replay-metadata.js';
import { decodeScfaHeader } from '../protocol/scfa-header-decoder.js';
import type { ScfaArmy, ScfaHeaderInfo } from '../protocol/scfa-header-decoder.js';
import { luaField } from '../protocol/lua-value.js';

/**
 * The JSON header's content derived from the SCFA header alone: standalone mode, and the fallback
 * when the FAF database cannot say. Pure and never failing: a header that does not decode still
 * gives metadata, with what the replay itself knows.
 */
export class ScfaHeaderMetadataSource implements GameMetadataSource {
  describe(facts: GameFacts): Promise<ReplayMetadata> {
    return Promise.resolve(scfaHeaderMetadata(facts));
  }
}

/** `ScfaHeaderMetadataSource.describe`, synchronously. */
export function scfaHeaderMetadata(facts: GameFacts): ReplayMetadata {
  const header = tryDecode(facts.scfaHeader);
  const host = header?.players[0]?.name ?? '';
  return Object.freeze({
    gameId: facts.gameId,
    featuredMod: 'faf',
    featuredModVersions: new Map<string, number>(),
    gameEndS: Math.floor(facts.endedAtMs / 1000),
    gameType: header === null ? 'unknown' : gameTypeOf(header),
    host,
    launchedAtS: Math.floor(facts.startedAtMs / 1000),
    mapName: header === null ? 'None' : mapNameOf(header.mapPath),
    numPlayers: header === null ? 0 : header.armies.filter((army) => !isCivilian(army)).length,
    recorder: recorderOf(facts.firstWriterName, host),
    teams: header === null ? new Map<string, string[]>() : teamsOf(header),
    title: (header === null ? null : titleOf(header)) ?? `Game ${facts.gameId}`,
    origin: 'scfa-header',
  });
}

function tryDecode(scfaHeader: Uint8Array): ScfaHeaderInfo | null {
  try {
    return decodeScfaHeader(scfaHeader);
  } catch {
    // Any fault, not only a decode error: saving a replay must never fail on its metadata.
    return null;
  }
}

/**
 * The map's folder, lower-cased, as FAF names map versions (`/maps/SCMP_016/SCMP_016.scmap` →
 * `scmp_016`, `/maps/paradisebay.v0007/paradisebay.scmap` → `paradisebay.v0007`).
 */
export function mapNameOf(mapPath: string): string {
  const parts = mapPath.split(/[/\\]/).filter((part) => part.length > 0);
  const folder = parts.length >= 2 ? parts[parts.length - 2] : parts[0]?.replace(/\.[^.]*$/, '');
  return folder === undefined || folder === '' ? 'None' : folder.toLowerCase();
}

function gameTypeOf(header: ScfaHeaderInfo): string {
  const victory = luaField(luaField(header.scenario, 'Options'), 'Victory');
  return typeof victory === 'string' && victory !== '' ? victory.toUpperCase() : 'unknown';
}

/** Human armies by team, as FAF's `game_player_stats` rows with `AI = 0`; keys sorted as strings. */
function teamsOf(header: ScfaHeaderInfo): Map<string, string[]> {
  const teams = new Map<string, string[]>();
  for (const army of header.armies) {
    if (army.human !== true) continue;
    const name =
      army.name ?? (army.commandSourceId === null ? undefined : header.players[army.commandSourceId]?.name);
    if (name === undefined) continue;
    const team = army.team === null ? 'null' : String(army.team);
    const members = teams.get(team) ?? [];
    members.push(name);
    teams.set(team, members);
  }
  return new Map([...teams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Civilian armies are map decoration, not players: FAF records humans and AIs only. */
function isCivilian(army: ScfaArmy): boolean {
  return luaField(army.options, 'Civilian') === true;
}

/**
 * The lobby's game title is not in the header; the scenario's name is the best human-readable
 * title it holds (e.g. `Canis River`), minus any `<LOC key>` localisation prefix.
 */
function titleOf(header: ScfaHeaderInfo): string | null {
  const name = luaField(header.scenario, 'name');
  if (typeof name !== 'string') return null;
  const title = name.replace(/^<LOC [^>]*>/, '').trim();
  return title === '' ? null : title;
}

function recorderOf(firstWriterName: string, host: string): string {
  const recorder = firstWriterName.replace(/\.scfareplay$/i, '');
  return recorder === '' ? host : recorder;
}
