import { ByteReader } from './byte-reader.js';
import { isLuaTable, luaField, readLuaValue } from './lua-value.js';
import type { LuaTable, LuaValue } from './lua-value.js';
import { ScfaHeaderDecodeError } from './protocol-errors.js';

/** A command source: a player's game, with the pauses ("timeouts") it has left. */
export interface ScfaPlayer {
  readonly name: string;
  readonly timeoutsRemaining: number;
}

export interface ScfaArmy {
  /** Index into `players`, or null (byte 255) for an army nobody commands: AIs, civilians. */
  readonly commandSourceId: number | null;
  /** The army's Lua options (`PlayerName`, `Team`, `Faction`, `Human`, `Civilian`, ratings...). */
  readonly options: LuaTable;
  readonly name: string | null;
  readonly team: number | null;
  readonly faction: number | null;
  readonly human: boolean | null;
}

/** The content of an SCFA replay header (spec §2.1). */
export interface ScfaHeaderInfo {
  /** e.g. `Supreme Commander v1.50.3696` */
  readonly gameVersion: string;
  /** e.g. `Replay v1.9` */
  readonly replayVersion: string;
  /** e.g. `/maps/SCMP_016/SCMP_016.scmap`; empty when the header has none. */
  readonly mapPath: string;
  readonly mods: LuaValue;
  readonly scenario: LuaValue;
  readonly players: readonly ScfaPlayer[];
  readonly cheatsEnabled: boolean;
  readonly armies: readonly ScfaArmy[];
  readonly seed: number;
  /** Where the header ends, i.e. where the body starts. */
  readonly headerBytes: number;
}

const NO_COMMAND_SOURCE = 255;

/**
 * Decodes the SCFA header at the start of `bytes` (anything after it, such as the body, is
 * ignored). Strings are decoded leniently as UTF-8; each Lua blob must hold exactly one value.
 * Throws a `ScfaHeaderDecodeError` on anything structurally wrong; never anything else.
 */
export function decodeScfaHeader(bytes: Uint8Array): ScfaHeaderInfo {
  const reader = new ByteReader(bytes);
  const gameVersion = reader.cstring('game version');
  reader.skip(3, 'separator');
  const [replayVersion, mapPath] = splitReplayVersion(reader.cstring('replay version and map'));
  reader.skip(4, 'separator');
  const mods = readLuaBlob(reader, 'mods');
  const scenario = readLuaBlob(reader, 'scenario');
  const players = readPlayers(reader);
  const cheatsEnabled = reader.u8('cheats flag') !== 0;
  const armies = readArmies(reader);
  const seed = reader.u32('random seed');
  return Object.freeze({
    gameVersion,
    replayVersion,
    mapPath,
    mods,
    scenario,
    players,
    cheatsEnabled,
    armies,
    seed,
    headerBytes: reader.offset,
  });
}

/** `Replay v1.9\r\n/maps/...`: the Rust server does not require the `\r\n`, so neither do we. */
function splitReplayVersion(text: string): [string, string] {
  const separator = text.indexOf('\r\n');
  return separator === -1 ? [text, ''] : [text.slice(0, separator), text.slice(separator + 2)];
}

/** A u32 size, then exactly one Lua value in that many bytes; an empty blob reads as nil. */
function readLuaBlob(reader: ByteReader, field: string): LuaValue {
  const blob = reader.sub(reader.u32(`${field} size`), field);
  if (blob.remaining === 0) return null;
  const value = readLuaValue(blob);
  if (blob.remaining > 0) throw blob.error(`${field}: ${blob.remaining} bytes after its Lua value`);
  return value;
}

function readPlayers(reader: ByteReader): ScfaPlayer[] {
  const count = reader.u8('player count');
  const players: ScfaPlayer[] = [];
  for (let i = 0; i < count; i++) {
    const name = reader.cstring('player name');
    players.push(Object.freeze({ name, timeoutsRemaining: reader.u32('player timeouts') }));
  }
  return players;
}

function readArmies(reader: ByteReader): ScfaArmy[] {
  const count = reader.u8('army count');
  const armies: ScfaArmy[] = [];
  for (let i = 0; i < count; i++) {
    const optionsAt = reader.position;
    const options = readLuaBlob(reader, 'army options');
    if (!isLuaTable(options)) {
      throw new ScfaHeaderDecodeError(`army ${i}: options are not a Lua table (at byte ${optionsAt})`);
    }
    const source = reader.u8('army command source');
    if (source !== NO_COMMAND_SOURCE) reader.skip(1, 'army source byte');
    armies.push(armyOf(options, source === NO_COMMAND_SOURCE ? null : source));
  }
  return armies;
}

function armyOf(options: LuaTable, commandSourceId: number | null): ScfaArmy {
  const name = luaField(options, 'PlayerName');
  const team = luaField(options, 'Team');
  const faction = luaField(options, 'Faction');
  const human = luaField(options, 'Human');
  return Object.freeze({
    commandSourceId,
    options,
    name: typeof name === 'string' ? name : null,
    team: typeof team === 'number' ? team : null,
    faction: typeof faction === 'number' ? faction : null,
    human: typeof human === 'boolean' ? human : null,
  });
}
