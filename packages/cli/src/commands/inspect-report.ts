import { isLuaTable, luaField, scfaHeaderMetadata } from '@faf-replay/core';
import type { BodySummary, LuaValue, ScfaArmy, ScfaHeaderInfo } from '@faf-replay/core';
import { TICKS_PER_SECOND } from '@faf-replay/client';
import type { StreamAnalysis } from './analyze-stream.js';
import { formatGameTime } from './format.js';
import type { ReplayFile } from './load-replay-file.js';

export interface ArmyReport {
  /** 1-based, as the game numbers armies (`ARMY_1`). */
  readonly index: number;
  readonly name: string | null;
  readonly team: number | null;
  readonly faction: number | null;
  readonly factionName: string | null;
  readonly kind: 'human' | 'ai' | 'civilian';
  /** The player (command source) who controls it; null for AIs and civilians. */
  readonly player: string | null;
}

export interface ModReport {
  readonly uid: string | null;
  readonly name: string | null;
  readonly version: number | string | null;
}

/** What `faf-replay inspect --json` prints (one object). */
export interface InspectReport {
  readonly file: {
    readonly path: string;
    readonly bytes: number;
    readonly format: 'fafreplay' | 'scfareplay';
  };
  readonly fafreplayVersion: 1 | 2 | null;
  readonly jsonHeader: Readonly<Record<string, unknown>> | null;
  readonly streamBytes: number;
  readonly scfaHeader: {
    readonly bytes: number;
    readonly gameVersion: string;
    readonly replayVersion: string;
    readonly mapPath: string;
    readonly mapName: string;
    readonly seed: number;
    readonly cheatsEnabled: boolean;
    readonly players: readonly { readonly name: string; readonly timeoutsRemaining: number }[];
    readonly armies: readonly ArmyReport[];
    readonly mods: readonly ModReport[];
    readonly scenarioName: string | null;
    readonly victory: string | null;
  };
  readonly body: BodyReport;
}

export interface BodyReport {
  readonly status: BodySummary['status'];
  readonly bytes: number;
  /** Null unless the body walks to its end (`status` is `ok`). */
  readonly frames: number | null;
  readonly ticks: number | null;
  readonly gameTimeS: number | null;
  readonly gameTime: string | null;
  readonly endsWithEndGame: boolean | null;
  /** Where a corrupt or truncated body stops making sense, and the ticks counted before. */
  readonly problem: { readonly offset: number; readonly reason: string; readonly ticksBefore: number } | null;
}

const FACTIONS: Readonly<Record<number, string>> = { 1: 'UEF', 2: 'Aeon', 3: 'Cybran', 4: 'Seraphim' };

export function inspectReport(file: ReplayFile, analysis: StreamAnalysis): InspectReport {
  const { header } = analysis;
  return {
    file: { path: file.path, bytes: file.fileBytes, format: file.format },
    fafreplayVersion: file.faf?.version ?? null,
    jsonHeader: file.faf?.json ?? null,
    streamBytes: file.stream.length,
    scfaHeader: {
      bytes: header.headerBytes,
      gameVersion: header.gameVersion,
      replayVersion: header.replayVersion,
      mapPath: header.mapPath,
      mapName: mapNameOf(file.stream.subarray(0, header.headerBytes)),
      seed: header.seed,
      cheatsEnabled: header.cheatsEnabled,
      players: header.players.map(({ name, timeoutsRemaining }) => ({ name, timeoutsRemaining })),
      armies: header.armies.map((army, i) => armyReport(army, i, header)),
      mods: modsOf(header.mods),
      scenarioName: stringField(header.scenario, 'name'),
      victory: stringField(luaField(header.scenario, 'Options'), 'Victory'),
    },
    body: bodyReport(analysis.body),
  };
}

function bodyReport(body: BodySummary): BodyReport {
  if (body.status !== 'ok') {
    const problem = { offset: body.offset, reason: body.reason, ticksBefore: body.ticksBefore };
    return { ...emptyBody(body.status, body.bodyBytes), problem };
  }
  return {
    status: 'ok',
    bytes: body.bodyBytes,
    frames: body.frames,
    ticks: body.ticks,
    gameTimeS: body.ticks / TICKS_PER_SECOND,
    gameTime: formatGameTime(body.ticks),
    endsWithEndGame: body.endsWithEndGame,
    problem: null,
  };
}

function emptyBody(status: BodySummary['status'], bytes: number): Omit<BodyReport, 'problem'> {
  return { status, bytes, frames: null, ticks: null, gameTimeS: null, gameTime: null, endsWithEndGame: null };
}

function armyReport(army: ScfaArmy, index: number, header: ScfaHeaderInfo): ArmyReport {
  const civilian = luaField(army.options, 'Civilian') === true;
  const player = army.commandSourceId === null ? null : (header.players[army.commandSourceId]?.name ?? null);
  const kind = civilian ? 'civilian' : army.human === false || player === null ? 'ai' : 'human';
  return {
    index: index + 1,
    name: army.name,
    team: army.team,
    faction: army.faction,
    factionName: army.faction === null ? null : (FACTIONS[army.faction] ?? null),
    kind,
    player,
  };
}

/** The header's mods table: one entry per mod, keyed by uid in the lobby's serialisation. */
function modsOf(mods: LuaValue): ModReport[] {
  if (!isLuaTable(mods)) return [];
  return [...mods.values()].filter(isLuaTable).map((mod) => {
    const version = luaField(mod, 'version');
    return {
      uid: stringField(mod, 'uid'),
      name: stringField(mod, 'name'),
      version: typeof version === 'number' || typeof version === 'string' ? version : null,
    };
  });
}

function stringField(table: LuaValue | undefined, key: string): string | null {
  const value = luaField(table, key);
  return typeof value === 'string' ? value : null;
}

/** The map's name as FAF writes it (`scmp_009`), derived exactly as standalone mode derives it. */
function mapNameOf(scfaHeader: Uint8Array): string {
  const facts = { gameId: 0n, scfaHeader, startedAtMs: 0, endedAtMs: 0, firstWriterName: '' };
  return scfaHeaderMetadata(facts).mapName;
}

/** The report as JSON: Lua tables are already plain values, so this is `JSON.stringify`. */
export function inspectReportJson(report: InspectReport): string {
  return JSON.stringify(report, null, 2);
}
