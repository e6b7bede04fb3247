import type { ByteReader } from './byte-reader.js';

/** A Lua table key: tables cannot be keys. Lua forbids nil keys too, but old parsers accept them. */
export type LuaKey = string | number | boolean | null;
/** A Lua table, keys in serialized order. Array parts come as number keys 1, 2, ... */
export type LuaTable = ReadonlyMap<LuaKey, LuaValue>;
/** A value of FA's serialized Lua: numbers are f32, nil is `null`. */
export type LuaValue = LuaKey | LuaTable;

/** How deep tables may nest; real headers nest about 6 deep. Bounds recursion on hostile input. */
export const LUA_MAX_DEPTH = 128;

const LUA_NUMBER = 0;
const LUA_STRING = 1;
const LUA_NIL = 2;
const LUA_BOOL = 3;
const LUA_TABLE_START = 4;
const LUA_TABLE_END = 5;

/**
 * Reads one serialized Lua value: a type byte, then 0 number (f32 LE), 1 string (cstring),
 * 2 nil (no payload), 3 bool (one byte: 0 is false, anything else true; FA writes 1 for true, as
 * `Human`, `Ready` and `Civilian` in the fixtures show, unlike the Python server's reading),
 * 4 table (key/value pairs until a 5).
 */
export function readLuaValue(reader: ByteReader, depth = 0): LuaValue {
  const type = reader.u8('Lua type');
  switch (type) {
    case LUA_NUMBER:
      return reader.f32('Lua number');
    case LUA_STRING:
      return reader.cstring('Lua string');
    case LUA_NIL:
      return null;
    case LUA_BOOL:
      return reader.u8('Lua bool') !== 0;
    case LUA_TABLE_START:
      return readLuaTable(reader, depth + 1);
    case LUA_TABLE_END:
      throw reader.error('Lua table end where a value was expected');
    default:
      throw reader.error(`unknown Lua type ${type}`);
  }
}

function readLuaTable(reader: ByteReader, depth: number): LuaTable {
  if (depth > LUA_MAX_DEPTH) throw reader.error(`Lua tables nested deeper than ${LUA_MAX_DEPTH}`);
  const table = new Map<LuaKey, LuaValue>();
  while (reader.peekU8('Lua table entry') !== LUA_TABLE_END) {
    const keyAt = reader.position;
    const key = readLuaValue(reader, depth);
    if (isLuaTable(key)) throw reader.error(`a Lua table is used as a table key at byte ${keyAt}`);
    table.set(key, readLuaValue(reader, depth));
  }
  reader.skip(1, 'Lua table end');
  return table;
}

export function isLuaTable(value: LuaValue | undefined): value is LuaTable {
  return typeof value === 'object' && value !== null;
}

/** `table[key]` when `table` is a table, else undefined: for walking decoded values safely. */
export function luaField(table: LuaValue | undefined, key: LuaKey): LuaValue | undefined {
  return isLuaTable(table) ? table.get(key) : undefined;
}

/**
 * The value as plain JSON-ready data, for printing: tables become objects keyed by the key's
 * string form (nil as `"nil"`). Keys that print alike collide; the last wins.
 */
export function luaToJson(value: LuaValue): unknown {
  if (!isLuaTable(value)) return value;
  // No prototype, so that a `__proto__` key stays an ordinary property.
  const result = Object.create(null) as Record<string, unknown>;
  for (const [key, entry] of value) result[key === null ? 'nil' : String(key)] = luaToJson(entry);
  return result;
}
