import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { encodeJsonHeader } from './encode-json-header.js';
import { game2000Metadata } from './testing/index.js';

describe('encodeJsonHeader', () => {
  it("gives the Rust unit test's expected string byte for byte", () => {
    const metadata = game2000Metadata({
      gameId: 9_999_999n,
      featuredModVersions: new Map([['faf', 3718]]),
      gameEndS: 10_000,
      gameType: 'unknown',
      host: 'Sheeo',
      launchedAtS: 9000,
      mapName: 'adaptive_syrtis_major.v0001',
      numPlayers: 10,
      recorder: 'MazorNoob',
      teams: new Map([['1', ['Mephi', 'Sheeo', 'MazorNoob', 'Downlord']]]),
      title: '100k+',
    });
    expect(encodeJsonHeader(metadata)).toBe(
      '{"complete":true,"featured_mod":"faf","featured_mod_versions":{"faf":3718},"game_end":10000,' +
        '"game_type":"unknown","host":"Sheeo","launched_at":9000,"mapname":"adaptive_syrtis_major.v0001",' +
        '"num_players":10,"recorder":"MazorNoob","state":"PLAYING","teams":{"1":["Mephi","Sheeo","MazorNoob",' +
        '"Downlord"]},"title":"100k+","uid":9999999,"compression":"zstd","version":2}',
    );
  });

  it('gives the first line of the Rust server’s game_2000.fafreplay byte for byte', () => {
    const file = fixture(fixtureFacts.game2000.file);
    const firstLine = file.subarray(0, file.indexOf(0x0a));
    expect(firstLine.length).toBe(fixtureFacts.game2000.jsonLineBytes);
    expect(firstDifference(Buffer.from(encodeJsonHeader(game2000Metadata())), firstLine)).toBe(-1);
  });

  it('sorts team and mod file keys as strings, whatever the insertion order', () => {
    const line = encodeJsonHeader(
      game2000Metadata({
        featuredModVersions: new Map([
          ['2', 1],
          ['10', 1],
          ['1', 1],
        ]),
        teams: new Map([
          ['2', ['b']],
          ['null', ['n']],
          ['10', ['a']],
        ]),
      }),
    );
    expect(line).toContain('"featured_mod_versions":{"1":1,"10":1,"2":1}');
    expect(line).toContain('"teams":{"10":["a"],"2":["b"],"null":["n"]}');
  });

  it('writes names as raw UTF-8 and escapes only what JSON requires', () => {
    const line = encodeJsonHeader(
      game2000Metadata({
        host: 'Ünïcødé',
        title: 'Tést "quoted" \\ 🚀\n',
        teams: new Map([['1', ['Żółw', '中文']]]),
      }),
    );
    expect(line).toContain('"host":"Ünïcødé"');
    expect(line).toContain('"title":"Tést \\"quoted\\" \\\\ 🚀\\n"');
    expect(line).toContain('"teams":{"1":["Żółw","中文"]}');
    expect(JSON.parse(line)).toMatchObject({ host: 'Ünïcødé', title: 'Tést "quoted" \\ 🚀\n' });
  });

  it('writes a null featured mod, no players and no mod files', () => {
    const line = encodeJsonHeader(
      game2000Metadata({
        featuredMod: null,
        featuredModVersions: new Map(),
        teams: new Map(),
        numPlayers: 0,
      }),
    );
    expect(line).toContain('"featured_mod":null,"featured_mod_versions":{},');
    expect(line).toContain('"num_players":0,');
    expect(line).toContain('"teams":{},');
  });

  it('prints ids beyond 2^53 exactly', () => {
    const line = encodeJsonHeader(game2000Metadata({ gameId: 2n ** 64n - 1n }));
    expect(line).toContain('"uid":18446744073709551615,');
  });

  it('marks a header derived from the SCFA header with one trailing key', () => {
    const line = encodeJsonHeader(game2000Metadata({ origin: 'scfa-header' }));
    expect(line.endsWith('"compression":"zstd","version":2,"metadata_origin":"scfa-header"}')).toBe(true);
    expect(encodeJsonHeader(game2000Metadata())).not.toContain('metadata_origin');
  });

  it('refuses a fractional timestamp rather than writing a float', () => {
    expect(() => encodeJsonHeader(game2000Metadata({ gameEndS: 1.5 }))).toThrow(RangeError);
  });
});
