import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import type { GameFacts } from '../ports/game-metadata-source.js';
import { ScfaHeaderMetadataSource, mapNameOf, scfaHeaderMetadata } from './scfa-header-metadata-source.js';

const exampleHeader = fixture(fixtureFacts.example.file).subarray(0, fixtureFacts.example.headerBytes);

function factsOf(overrides: Partial<GameFacts> = {}): GameFacts {
  return {
    gameId: 2000n,
    scfaHeader: exampleHeader,
    startedAtMs: 1_262_476_800_999,
    endedAtMs: 1_262_480_400_500,
    firstWriterName: 'MazorNoob.SCFAreplay',
    ...overrides,
  };
}

describe('ScfaHeaderMetadataSource', () => {
  it('describes example from its header', async () => {
    expect(await new ScfaHeaderMetadataSource().describe(factsOf())).toEqual({
      gameId: 2000n,
      featuredMod: 'faf',
      featuredModVersions: new Map(),
      gameEndS: 1_262_480_400,
      gameType: 'DEMORALIZATION',
      host: 'MazorNoob',
      launchedAtS: 1_262_476_800,
      mapName: 'scmp_016',
      numPlayers: 2,
      recorder: 'MazorNoob',
      teams: new Map([
        ['2', ['MazorNoob']],
        ['3', ['dragonite']],
      ]),
      title: 'Canis River',
      origin: 'scfa-header',
    });
  });

  it('describes the diverging_1 game, teams in army order', () => {
    const [, , second] = divergingStreams();
    const metadata = scfaHeaderMetadata(
      factsOf({ gameId: 7n, scfaHeader: second ?? new Uint8Array(0), firstWriterName: 'ZLO.SCFAreplay' }),
    );
    expect(metadata).toMatchObject({
      gameType: 'DEMORALIZATION',
      host: 'Geosearchef',
      mapName: 'paradisebay.v0007',
      numPlayers: 6,
      recorder: 'ZLO',
      title: 'ParadiseBay',
    });
    expect([...metadata.teams]).toEqual([
      ['2', ['Geosearchef', 'galacticfear', 'ShugoTenshi']],
      ['3', ['Katharsas', 'ZLO', 'Neroxis']],
    ]);
  });

  it('counts humans and AIs but not civilians, and lists only humans in teams (long game)', () => {
    const metadata = scfaHeaderMetadata(factsOf({ scfaHeader: fixture(fixtureFacts.long.file) }));
    expect(metadata).toMatchObject({
      gameType: 'SANDBOX',
      host: 'JollyJunkie',
      mapName: 'survival_mayhem&bo_3d.v0002',
      numPlayers: 7,
      title: 'Survival_Mayhem&BO_3D',
    });
    expect([...metadata.teams]).toEqual([
      ['3', ['JollyJunkie', 'Doxapara', 'rldeputy', 'Underkill55', 'dark1so31', 'dragonite']],
    ]);
  });

  it('still describes a replay whose header does not decode', () => {
    expect(scfaHeaderMetadata(factsOf({ gameId: 42n, scfaHeader: Uint8Array.of(1, 2, 3) }))).toEqual({
      gameId: 42n,
      featuredMod: 'faf',
      featuredModVersions: new Map(),
      gameEndS: 1_262_480_400,
      gameType: 'unknown',
      host: '',
      launchedAtS: 1_262_476_800,
      mapName: 'None',
      numPlayers: 0,
      recorder: 'MazorNoob',
      teams: new Map(),
      title: 'Game 42',
      origin: 'scfa-header',
    });
  });

  it('describes the minimal header with what little it holds', () => {
    expect(
      scfaHeaderMetadata(factsOf({ gameId: 3n, scfaHeader: new Uint8Array(24), firstWriterName: '' })),
    ).toMatchObject({
      gameType: 'unknown',
      host: '',
      mapName: 'None',
      numPlayers: 0,
      recorder: '',
      teams: new Map(),
      title: 'Game 3',
    });
  });

  it.each([
    ['MazorNoob.SCFAreplay', 'MazorNoob'],
    ['lower.scfareplay', 'lower'],
    ['with/slash.SCFAreplay', 'with/slash'],
    ['no-suffix', 'no-suffix'],
    ['.SCFAreplay', 'MazorNoob'],
    ['', 'MazorNoob'],
  ])('takes the recorder from the writer name %j', (firstWriterName, recorder) => {
    expect(scfaHeaderMetadata(factsOf({ firstWriterName })).recorder).toBe(recorder);
  });
});

describe('mapNameOf', () => {
  it.each([
    ['/maps/SCMP_016/SCMP_016.scmap', 'scmp_016'],
    ['/maps/paradisebay.v0007/paradisebay.scmap', 'paradisebay.v0007'],
    ['\\maps\\Setons.v0002\\setons.scmap', 'setons.v0002'],
    ['Lonely.scmap', 'lonely'],
    ['', 'None'],
    ['/', 'None'],
  ])('%j → %j', (mapPath, mapName) => {
    expect(mapNameOf(mapPath)).toBe(mapName);
  });
});
