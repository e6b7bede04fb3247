import { StatsError } from '@faf-replay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FafDatabase } from './faf-database.js';
import { FafStatsSink } from './faf-stats-sink.js';
import {
  unreachableDatabaseOptions,
  createTestDatabase,
  requireDatabase,
  suiteTitle,
} from './testing/index.js';

const testDb = await createTestDatabase();

describe.runIf(testDb.available)(suiteTitle('FafStatsSink', testDb), () => {
  let database: FafDatabase;
  let sink: FafStatsSink;

  beforeAll(() => {
    database = new FafDatabase({ ...requireDatabase(testDb).config, maxAttempts: 1 });
    sink = new FafStatsSink(database);
  });
  afterAll(async () => {
    await database.close();
    await requireDatabase(testDb).drop();
  });

  async function statsOf(gameId: number): Promise<unknown> {
    const rows = await requireDatabase(testDb).query(
      'SELECT replay_ticks AS ticks, replay_available AS available FROM game_stats WHERE id = ?',
      [gameId],
    );
    return rows[0];
  }

  it('writes ticks and availability', async () => {
    expect(await statsOf(1000)).toEqual({ ticks: null, available: 0 });
    await sink.record(1000n, { ticks: 515, available: true });
    expect(await statsOf(1000)).toEqual({ ticks: 515, available: 1 });
  });

  it('never downgrades an available replay, ticks included', async () => {
    await sink.record(1000n, { ticks: null, available: false });
    expect(await statsOf(1000)).toEqual({ ticks: 515, available: 1 });
    await sink.record(1000n, { ticks: 600, available: true });
    expect(await statsOf(1000)).toEqual({ ticks: 600, available: 1 });
  });

  it('records an unavailable replay of a game that has none', async () => {
    await sink.record(1010n, { ticks: 42, available: false });
    expect(await statsOf(1010)).toEqual({ ticks: 42, available: 0 });
    await sink.record(1010n, { ticks: null, available: false });
    expect(await statsOf(1010)).toEqual({ ticks: null, available: 0 });
  });

  it('accepts a game without a row', async () => {
    await expect(sink.record(10000n, { ticks: 1, available: true })).resolves.toBeUndefined();
  });
});

describe('FafStatsSink without a database', () => {
  it('fails quickly with a StatsError', async () => {
    const down = new FafDatabase({
      ...(await unreachableDatabaseOptions()),
      retryDelayMs: 10,
    });
    try {
      const started = performance.now();
      const error = await new FafStatsSink(down)
        .record(1000n, { ticks: 1, available: true })
        .catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(StatsError);
      expect((error as StatsError).cause).toMatchObject({ code: 'DATABASE_FAILED', attempts: 3 });
    } finally {
      await down.close();
    }
  });
});
