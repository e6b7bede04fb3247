import type { GameFacts, ReplayMetadata } from '@faf-replay/core';
import { MetadataUnavailableError } from '@faf-replay/core';
import { fixture } from '@faf-replay/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FafDatabase } from './faf-database.js';
import { FafMetadataSource, type FafWarning } from './faf-metadata-source.js';
import {
  unreachableDatabaseOptions,
  createTestDatabase,
  requireDatabase,
  suiteTitle,
} from './testing/index.js';

const testDb = await createTestDatabase();
const fastTuning = { queryTimeoutMs: 2_000, connectTimeoutMs: 1_000, maxAttempts: 2, retryDelayMs: 10 };
/** 2030-01-01T00:00:00Z: when the replays of the suite "end". */
const endedAtMs = 1_893_456_000_000;

function factsOf(gameId: bigint): GameFacts {
  return {
    gameId,
    scfaHeader: new Uint8Array(),
    startedAtMs: endedAtMs - 60_000,
    endedAtMs,
    firstWriterName: 'p.SCFAreplay',
  };
}

describe.runIf(testDb.available)(suiteTitle('FafMetadataSource on the FAF test data', testDb), () => {
  let database: FafDatabase;
  let source: FafMetadataSource;
  const warnings: FafWarning[] = [];

  beforeAll(() => {
    database = new FafDatabase({ ...requireDatabase(testDb).config, ...fastTuning });
    source = new FafMetadataSource(database, { onWarning: (warning) => warnings.push(warning) });
  });
  afterAll(async () => {
    await database.close();
    await requireDatabase(testDb).drop();
  });

  it('describes game 1000: its stats row and 4 players in teams 1/1/2/2', async () => {
    expect(await source.describe(factsOf(1000n))).toEqual({
      gameId: 1000n,
      featuredMod: 'faf',
      featuredModVersions: new Map([
        ['41', 3659],
        ['42', 3659],
        ['43', 3656],
      ]),
      gameEndS: 1262307600,
      gameType: 'DEMORALIZATION',
      host: 'user1',
      launchedAtS: 1262304000,
      mapName: 'scmp_001',
      numPlayers: 4,
      recorder: 'user1',
      teams: new Map([
        ['1', ['user1', 'user2']],
        ['2', ['user3', 'user4']],
      ]),
      title: '2v2 Game',
      origin: 'faf-database',
    } satisfies ReplayMetadata);
  });

  it('counts AI players but lists humans only (1010, 1080)', async () => {
    const vsAi = await source.describe(factsOf(1010n));
    expect([vsAi.numPlayers, vsAi.teams]).toEqual([2, new Map([['1', ['user1']]])]);
    const aiOnly = await source.describe(factsOf(1080n));
    expect([aiOnly.numPlayers, aiOnly.teams]).toEqual([1, new Map()]);
  });

  it('keeps versioned map names up to the last extension (1030, 1040)', async () => {
    expect((await source.describe(factsOf(1030n))).mapName).toBe('scmp_003');
    expect((await source.describe(factsOf(1040n))).mapName).toBe('scmp_003.v0003');
  });

  it('ends a game without endTime at the end of its replay (1050)', async () => {
    const game = await source.describe({ ...factsOf(1050n), endedAtMs: endedAtMs + 999 });
    expect(game.gameEndS).toBe(endedAtMs / 1000);
    expect(game.launchedAtS).toBe(1262476800);
  });

  it('names a game without map "None" (1060)', async () => {
    const game = await source.describe(factsOf(1060n));
    expect([game.mapName, game.gameEndS]).toEqual(['None', endedAtMs / 1000]);
  });

  it('describes a game without players (1070)', async () => {
    const game = await source.describe(factsOf(1070n));
    expect([game.numPlayers, game.teams]).toEqual([0, new Map()]);
  });

  it('gives a null featured mod no versions (1100)', async () => {
    const game = await source.describe(factsOf(1100n));
    expect([game.featuredMod, game.featuredModVersions]).toEqual([null, new Map()]);
  });

  it('reads mod versions of other mods, and none of the ladder (1040, 1090, 1020)', async () => {
    expect((await source.describe(factsOf(1040n))).featuredModVersions).toEqual(new Map([['44', 1002]]));
    expect((await source.describe(factsOf(1090n))).featuredModVersions).toEqual(new Map());
    const ladder = await source.describe(factsOf(1020n));
    expect([ladder.featuredMod, ladder.featuredModVersions]).toEqual(['ladder1v1', new Map()]);
    expect(warnings).toEqual([]);
  });

  it('reports a failed mod-version lookup as a warning and still describes the game', async () => {
    await requireDatabase(testDb).query(
      `INSERT INTO game_featuredMods (id, gamemod, name, description) VALUES (36, 'blarlargwars', 'B', 'No tables');
       INSERT INTO game_stats (id, startTime, gameName, gameType, gameMod, host, mapId, validity)
       VALUES (3002, '2010-01-03 00:00:00', 'Mod without tables', 'SANDBOX', 36, 1, 21, 0);`,
    );
    const game = await source.describe(factsOf(3002n));
    expect([game.featuredMod, game.featuredModVersions]).toEqual(['blarlargwars', new Map()]);
    expect(warnings.splice(0)).toEqual([
      {
        gameId: 3002n,
        message: expect.stringContaining('blarlargwars') as unknown,
        cause: expect.any(Error) as unknown,
      },
    ]);
  });

  it('has no metadata for an unknown game (10000)', async () => {
    await expect(source.describe(factsOf(10000n))).rejects.toThrow(MetadataUnavailableError);
  });

  it('has no metadata for a game whose host row is missing (INNER JOIN)', async () => {
    await requireDatabase(testDb).query(
      `SET foreign_key_checks = 0;
       INSERT INTO game_stats (id, startTime, gameName, gameType, gameMod, host, mapId, validity)
       VALUES (3000, '2010-01-03 00:00:00', 'Orphan', 'SANDBOX', 31, 99, 21, 0);
       SET foreign_key_checks = 1;`,
    );
    await expect(source.describe(factsOf(3000n))).rejects.toThrow(MetadataUnavailableError);
  });

  it('reads TIMESTAMPs as UTC, whatever the time zone of the writer or of this process', async () => {
    await requireDatabase(testDb).query(
      `SET time_zone = '+09:00';
       INSERT INTO game_stats (id, startTime, endTime, gameName, gameType, gameMod, host, mapId, validity)
       VALUES (3001, '2010-01-05 09:00:00', '2010-01-05 10:00:00', 'Tokyo', 'SANDBOX', 31, 1, 21, 0);
       SET time_zone = '+00:00';`,
    );
    const processZone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      const game = await source.describe(factsOf(3001n));
      expect([game.launchedAtS, game.gameEndS]).toEqual([1262649600, 1262653200]);
    } finally {
      if (processZone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = processZone;
    }
  });

  it('describes game 2000 exactly as the JSON line the production server saved', async () => {
    const bytes = fixture('game_2000.fafreplay');
    const saved = JSON.parse(bytes.subarray(0, bytes.indexOf(0x0a)).toString('utf8')) as Record<
      string,
      unknown
    >;
    const game = await source.describe(factsOf(2000n));
    expect({
      featured_mod: game.featuredMod,
      featured_mod_versions: Object.fromEntries(game.featuredModVersions),
      game_end: game.gameEndS,
      game_type: game.gameType,
      host: game.host,
      launched_at: game.launchedAtS,
      mapname: game.mapName,
      num_players: game.numPlayers,
      recorder: game.recorder,
      teams: Object.fromEntries(game.teams),
      title: game.title,
      uid: Number(game.gameId),
    }).toEqual({
      featured_mod: saved['featured_mod'],
      featured_mod_versions: saved['featured_mod_versions'],
      game_end: saved['game_end'],
      game_type: saved['game_type'],
      host: saved['host'],
      launched_at: saved['launched_at'],
      mapname: saved['mapname'],
      num_players: saved['num_players'],
      recorder: saved['recorder'],
      teams: saved['teams'],
      title: saved['title'],
      uid: saved['uid'],
    });
  });
});

describe('FafMetadataSource without a database', () => {
  it('fails quickly with a MetadataUnavailableError', async () => {
    const down = new FafDatabase({
      ...(await unreachableDatabaseOptions()),
      retryDelayMs: 10,
    });
    try {
      const started = performance.now();
      const error = await new FafMetadataSource(down).describe(factsOf(1000n)).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(MetadataUnavailableError);
      expect((error as MetadataUnavailableError).cause).toMatchObject({
        code: 'DATABASE_FAILED',
        attempts: 3,
      });
    } finally {
      await down.close();
    }
  });
});
