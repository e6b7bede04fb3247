import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requireDatabase, suiteTitle } from './test-database.js';

const testDb = await createTestDatabase();

describe.runIf(testDb.available)(suiteTitle('createTestDatabase', testDb), () => {
  afterAll(() => requireDatabase(testDb).drop());

  it('loads the schema and every row of faf-test-data.sql, in UTC', async () => {
    const db = requireDatabase(testDb);
    expect(db.database).toMatch(/^faf_test_[0-9a-f]{12}$/);
    expect(db.url.endsWith(`/${db.database}`)).toBe(true);
    const counts = await db.query(
      `SELECT (SELECT COUNT(*) FROM game_stats) AS games, (SELECT COUNT(*) FROM game_player_stats) AS players,
              (SELECT COUNT(*) FROM updates_faf_files) AS fafFiles, UNIX_TIMESTAMP(startTime) AS start
       FROM game_stats WHERE id = ?`,
      [2000],
    );
    expect(counts).toEqual([{ games: 13, players: 17, fafFiles: 5, start: 1262476800 }]);
  });

  it('gives each call its own database, and drops it', async () => {
    const other = requireDatabase(await createTestDatabase());
    expect(other.database).not.toBe(requireDatabase(testDb).database);
    await other.drop();
    await other.drop();
    const left = await requireDatabase(testDb).query('SHOW DATABASES LIKE ?', [other.database]);
    expect(left).toEqual([]);
  });
});
