import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luaField } from './lua-value.js';
import { ScfaHeaderDecodeError } from './protocol-errors.js';
import { decodeScfaHeader } from './scfa-header-decoder.js';
import type { ScfaArmy } from './scfa-header-decoder.js';

const example = fixture(fixtureFacts.example.file);
const exampleHeader = example.subarray(0, fixtureFacts.example.headerBytes);

function withoutOptions(army: ScfaArmy): Omit<ScfaArmy, 'options'> {
  const { commandSourceId, name, team, faction, human } = army;
  return { commandSourceId, name, team, faction, human };
}

describe('decodeScfaHeader on example', () => {
  const info = decodeScfaHeader(exampleHeader);

  it('reads the fixed fields', () => {
    expect(info).toMatchObject({
      gameVersion: 'Supreme Commander v1.50.3696',
      replayVersion: 'Replay v1.9',
      mapPath: '/maps/SCMP_016/SCMP_016.scmap',
      players: [
        { name: 'MazorNoob', timeoutsRemaining: 3 },
        { name: 'dragonite', timeoutsRemaining: 3 },
      ],
      cheatsEnabled: false,
      seed: 65_637_294,
      headerBytes: 1966,
    });
  });

  it('reads the mods and the scenario as Lua', () => {
    expect(info.mods).toEqual(new Map());
    expect(luaField(info.scenario, 'name')).toBe('Canis River');
    expect(luaField(info.scenario, 'map')).toBe('/maps/SCMP_016/SCMP_016.scmap');
    const options = luaField(info.scenario, 'Options');
    expect(luaField(options, 'Victory')).toBe('demoralization');
    expect(luaField(options, 'Quality')).toBe(35.875);
    expect(luaField(options, 'AllowObservers')).toBe(true);
    expect(luaField(luaField(options, 'Ratings'), 'dragonite')).toBe(800);
    expect(luaField(luaField(info.scenario, 'size'), 1)).toBe(256);
  });

  it('reads the armies with their options; booleans are 1 = true (Human, Ready) and 0 = false (Civilian)', () => {
    expect(info.armies.map(withoutOptions)).toEqual([
      { commandSourceId: 0, name: 'MazorNoob', team: 2, faction: 3, human: true },
      { commandSourceId: 1, name: 'dragonite', team: 3, faction: 3, human: true },
    ]);
    const [first] = info.armies;
    expect(luaField(first?.options, 'Ready')).toBe(true);
    expect(luaField(first?.options, 'Civilian')).toBe(false);
    expect(luaField(first?.options, 'BadMap')).toBe(false);
    expect(luaField(first?.options, 'MEAN')).toBe(Math.fround(1817.48));
  });

  it('decodes a whole stream, ignoring the body after the header', () => {
    expect(decodeScfaHeader(example)).toEqual(info);
  });
});

describe('decodeScfaHeader on other fixtures', () => {
  it('reads the diverging_1 game', () => {
    const [stream] = divergingStreams();
    const info = decodeScfaHeader(stream ?? new Uint8Array(0));
    expect(info).toMatchObject({
      gameVersion: 'Supreme Commander v1.50.3702',
      mapPath: '/maps/paradisebay.v0007/paradisebay.scmap',
      seed: 19_873_783,
      headerBytes: fixtureFacts.diverging.headerBytes,
    });
    expect(info.players.map((player) => player.name)).toEqual([
      'Geosearchef',
      'galacticfear',
      'ShugoTenshi',
      'Katharsas',
      'ZLO',
      'Neroxis',
    ]);
    expect(info.armies.map((army) => [army.name, army.team])).toEqual([
      ['Geosearchef', 2],
      ['galacticfear', 2],
      ['ShugoTenshi', 2],
      ['Katharsas', 3],
      ['ZLO', 3],
      ['Neroxis', 3],
    ]);
  });

  it('decodes stream 2 (other Lua key order) to the same content as stream 0', () => {
    const [zero, , two] = divergingStreams();
    const header = (stream: Uint8Array | undefined): Uint8Array =>
      (stream ?? new Uint8Array(0)).subarray(0, fixtureFacts.diverging.headerBytes);
    expect(Buffer.compare(header(zero), header(two))).not.toBe(0);
    expect(decodeScfaHeader(header(two))).toEqual(decodeScfaHeader(header(zero)));
  });

  it('reads the long game, with mods, an AI and civilian armies without a command source', () => {
    const info = decodeScfaHeader(fixture(fixtureFacts.long.file));
    expect(info).toMatchObject({
      gameVersion: 'Supreme Commander v1.50.3698',
      mapPath: '/maps/survival_mayhem&bo_3d.v0002/Survival_Mayhem&BO_3D.scmap',
      seed: 17_455_736,
      headerBytes: fixtureFacts.long.headerBytes,
    });
    expect(info.players).toHaveLength(6);
    expect(info.players[0]).toEqual({ name: 'JollyJunkie', timeoutsRemaining: 4_294_967_295 });
    expect(luaField(luaField(info.mods, 2), 'name')).toBe('All factions');
    expect(info.armies.map(withoutOptions).slice(5)).toEqual([
      { commandSourceId: 5, name: 'dragonite', team: 3, faction: 4, human: true },
      {
        commandSourceId: null,
        name: 'Stackhouse (AIx: Sorian AI Turtle)',
        team: 2,
        faction: 1,
        human: false,
      },
      { commandSourceId: null, name: 'civilian', team: 1, faction: 5, human: false },
      { commandSourceId: null, name: 'civilian', team: 1, faction: 5, human: false },
    ]);
  });

  it('decodes the minimal 24-byte header: empty strings, nil blobs, no players', () => {
    expect(decodeScfaHeader(new Uint8Array(24))).toEqual({
      gameVersion: '',
      replayVersion: '',
      mapPath: '',
      mods: null,
      scenario: null,
      players: [],
      cheatsEnabled: false,
      armies: [],
      seed: 0,
      headerBytes: 24,
    });
  });
});

describe('decodeScfaHeader on garbage', () => {
  it('rejects every truncation of the example header with a decode error', () => {
    for (let length = 0; length < exampleHeader.length; length += 7) {
      expect(() => decodeScfaHeader(exampleHeader.subarray(0, length)), `${length} bytes`).toThrow(
        ScfaHeaderDecodeError,
      );
    }
  });

  it('rejects a blob whose Lua value does not fill it, and army options that are not a table', () => {
    const withMods = (...mods: number[]): Uint8Array =>
      Uint8Array.of(...new Uint8Array(9), mods.length, 0, 0, 0, ...mods, ...new Uint8Array(4 + 3 + 4));
    expect(decodeScfaHeader(withMods(4, 5)).mods).toEqual(new Map());
    expect(() => decodeScfaHeader(withMods(4, 5, 2))).toThrow(/mods: 1 bytes after its Lua value/);
    const armyOf = (...options: number[]): Uint8Array =>
      Uint8Array.of(...new Uint8Array(9 + 8 + 2), 1, options.length, 0, 0, 0, ...options, 255, 1, 2, 3, 4);
    expect(decodeScfaHeader(armyOf(4, 5)).armies).toHaveLength(1);
    expect(() => decodeScfaHeader(armyOf(2))).toThrow(/army 0: options are not a Lua table/);
  });

  it('throws nothing but decode errors on corrupted example headers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(exampleHeader.length - 1), fc.nat(255)), { maxLength: 8 }),
        (edits) => {
          const corrupted = Uint8Array.from(exampleHeader);
          for (const [at, byte] of edits) corrupted[at] = byte;
          try {
            decodeScfaHeader(corrupted);
          } catch (error) {
            expect(error).toBeInstanceOf(ScfaHeaderDecodeError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
