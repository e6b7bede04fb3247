import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader.js';
import { LUA_MAX_DEPTH, isLuaTable, luaField, luaToJson, readLuaValue } from './lua-value.js';
import type { LuaValue } from './lua-value.js';
import { ScfaHeaderDecodeError } from './protocol-errors.js';

const encoder = new TextEncoder();
const num = (value: number): number[] => {
  const bytes = new Uint8Array(5);
  new DataView(bytes.buffer).setFloat32(1, value, true);
  return [...bytes];
};
const str = (text: string): number[] => [1, ...encoder.encode(text), 0];
const NIL = [2];
const bool = (byte: number): number[] => [3, byte];
const table = (...entries: number[][]): number[] => [4, ...entries.flat(), 5];

function decode(bytes: readonly number[]): LuaValue {
  const reader = new ByteReader(Uint8Array.from(bytes));
  const value = readLuaValue(reader);
  expect(reader.remaining, 'bytes left after the value').toBe(0);
  return value;
}

describe('readLuaValue', () => {
  it('reads f32 numbers, strings, nil and booleans', () => {
    expect(decode(num(2.375))).toBe(2.375);
    expect(decode(num(35.875))).toBe(35.875);
    expect(decode(str('Zoë'))).toBe('Zoë');
    expect(decode(str(''))).toBe('');
    expect(decode(NIL)).toBeNull();
    expect(decode(bool(1))).toBe(true);
    expect(decode(bool(0))).toBe(false);
    expect(decode(bool(0x17))).toBe(true);
  });

  it('reads tables with their keys in order, array parts as number keys', () => {
    const value = decode(table(str('b'), num(1), num(1), str('first'), str('a'), table()));
    expect(value).toEqual(
      new Map<unknown, unknown>([
        ['b', 1],
        [1, 'first'],
        ['a', new Map()],
      ]),
    );
    expect(isLuaTable(value) ? [...value.keys()] : null).toEqual(['b', 1, 'a']);
  });

  it('reads nested tables and a nil key, as the Python server does ({None: {"a": {}}})', () => {
    const value = decode(table(NIL, table(str('a'), table())));
    expect(luaField(luaField(value, null), 'a')).toEqual(new Map());
  });

  it.each([
    ['a table as a key', table(table(), num(1)), /table is used as a table key/],
    ['an unpaired table end', [5], /table end where a value was expected/],
    ['a key without a value', table(str('a')), /table end where a value was expected/],
    ['an unknown type', [6], /unknown Lua type 6/],
    ['a table without its end', [4, ...str('a'), ...num(1)], /needs 1 byte, 0 left/],
    ['a string without its NUL', [1, 65, 66], /no NUL terminator/],
    ['a short number', [0, 1, 2], /needs 4 bytes, 2 left/],
    ['nothing', [], /needs 1 byte, 0 left/],
  ])('rejects %s', (_label, bytes, message) => {
    expect(() => readLuaValue(new ByteReader(Uint8Array.from(bytes)))).toThrow(message);
    expect(() => readLuaValue(new ByteReader(Uint8Array.from(bytes)))).toThrow(ScfaHeaderDecodeError);
  });

  it('reads nesting up to the limit and rejects deeper nesting with a decode error, not a stack overflow', () => {
    const nested = (depth: number): Uint8Array =>
      Uint8Array.from([
        ...Array.from({ length: depth }, () => [4, 2]).flat(),
        4,
        5,
        ...new Array<number>(depth).fill(5),
      ]);
    expect(isLuaTable(readLuaValue(new ByteReader(nested(LUA_MAX_DEPTH - 1))))).toBe(true);
    expect(() => readLuaValue(new ByteReader(nested(LUA_MAX_DEPTH)))).toThrow(/nested deeper than 128/);
    expect(() => readLuaValue(new ByteReader(new Uint8Array(1_000_000).fill(4)))).toThrow(
      ScfaHeaderDecodeError,
    );
  });

  it('throws nothing but decode errors on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          readLuaValue(new ByteReader(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(ScfaHeaderDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('luaField and luaToJson', () => {
  it('walks only tables', () => {
    const value = decode(table(str('Options'), table(str('Victory'), str('demoralization'))));
    expect(luaField(luaField(value, 'Options'), 'Victory')).toBe('demoralization');
    expect(luaField(luaField(value, 'Missing'), 'Victory')).toBeUndefined();
    expect(luaField('not a table', 'x')).toBeUndefined();
  });

  it('turns tables into plain objects, keeping odd keys as ordinary properties', () => {
    const value = decode(table(num(1), str('x'), NIL, bool(1), str('__proto__'), table(str('a'), num(2))));
    const json = luaToJson(value);
    expect(JSON.stringify(json)).toBe('{"1":"x","nil":true,"__proto__":{"a":2}}');
    expect(Object.getPrototypeOf(json)).toBeNull();
    expect(luaToJson('plain')).toBe('plain');
  });
});
