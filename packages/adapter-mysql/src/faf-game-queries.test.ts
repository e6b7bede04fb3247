import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from './database-error.js';
import { FafDatabase } from './faf-database.js';
import { FafGameQueries } from './faf-game-queries.js';
import { createTestDatabase, requireDatabase, suiteTitle } from './testing/index.js';

const testDb = await createTestDatabase();

describe.runIf(testDb.available)(suiteTitle('FafGameQueries', testDb), () => {
  let database: FafDatabase;
  let queries: FafGameQueries;

  beforeAll(() => {
    database = new FafDatabase({ ...requireDatabase(testDb).config, maxAttempts: 1 });
    queries = new FafGameQueries(database);
  });
  afterAll(async () => {
    await database.close();
    await requireDatabase(testDb).drop();
  });

  it('reads the newest version of each file of a mod', async () => {
    expect(await queries.featuredModVersions('faf')).toEqual({
      versions: new Map([
        ['41', 3659],
        ['42', 3659],
        ['43', 3656],
      ]),
    });
    expect(await queries.featuredModVersions('murderparty')).toEqual({ versions: new Map([['44', 1002]]) });
  });

  it('gives no versions, silently, for the ladder and for a mod without files', async () => {
    expect(await queries.featuredModVersions('ladder1v1')).toEqual({ versions: new Map() });
    expect(await queries.featuredModVersions('labwars')).toEqual({ versions: new Map() });
  });

  it('never puts a name that is not an identifier into SQL', async () => {
    const { versions, problem } = await queries.featuredModVersions("blarg' OR 1=1--");
    expect(versions).toEqual(new Map());
    expect(problem).toEqual({ message: expect.stringContaining('not a table name') as unknown });
  });

  it('reports a mod without tables as a problem with the database error as cause', async () => {
    const { versions, problem } = await queries.featuredModVersions('blarlargwars');
    expect(versions).toEqual(new Map());
    expect(problem?.cause).toBeInstanceOf(DatabaseError);
    expect(((problem?.cause as DatabaseError).cause as { errno?: unknown }).errno).toBe(1146);
  });

  it('lists human players in row order and counts every slot', async () => {
    expect(await queries.teamPlayers(1000n)).toEqual([
      { login: 'user1', team: 1 },
      { login: 'user2', team: 1 },
      { login: 'user3', team: 2 },
      { login: 'user4', team: 2 },
    ]);
    expect(await queries.playerCount(1010n)).toBe(2);
    expect(await queries.playerCount(10000n)).toBe(0);
  });

  it('finds no row for an id beyond the column range', async () => {
    expect(await queries.gameRow(2n ** 64n - 1n)).toBeUndefined();
    expect(await queries.gameEnd(2n ** 64n - 1n)).toBeUndefined();
  });
});
