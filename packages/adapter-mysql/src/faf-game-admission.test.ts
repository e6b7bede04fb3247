import type { Clock } from '@faf-replay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FafDatabase } from './faf-database.js';
import { FafGameAdmission } from './faf-game-admission.js';
import type { FafWarning } from './faf-metadata-source.js';
import {
  unreachableDatabaseOptions,
  createTestDatabase,
  requireDatabase,
  suiteTitle,
} from './testing/index.js';

const testDb = await createTestDatabase();
const hourMs = 3_600_000;
/** Game 1000 ended at 2010-01-01T01:00:00Z. */
const game1000EndMs = Date.UTC(2010, 0, 1, 1);

function clockAt(nowMs: number): Clock {
  return { now: () => nowMs, sleep: () => Promise.resolve() };
}

describe.runIf(testDb.available)(suiteTitle('FafGameAdmission', testDb), () => {
  let database: FafDatabase;

  beforeAll(() => {
    database = new FafDatabase({ ...requireDatabase(testDb).config, maxAttempts: 1 });
  });
  afterAll(async () => {
    await database.close();
    await requireDatabase(testDb).drop();
  });

  function admissionAt(nowMs: number): FafGameAdmission {
    return new FafGameAdmission(database, { maxAgeAfterEndMs: hourMs, clock: clockAt(nowMs) });
  }

  it('admits a game that has not ended', async () => {
    expect(
      await admissionAt(Date.UTC(2030, 0, 1)).admit({ gameId: 1050n, playerName: 'p', newReplay: true }),
    ).toEqual({ admitted: true });
  });

  it('admits a game that ended at most maxAgeAfterEndMs ago', async () => {
    expect(
      await admissionAt(game1000EndMs + hourMs).admit({ gameId: 1000n, playerName: 'p', newReplay: true }),
    ).toEqual({ admitted: true });
  });

  it('refuses a game that ended longer ago', async () => {
    expect(
      await admissionAt(game1000EndMs + hourMs + 1).admit({
        gameId: 1000n,
        playerName: 'p',
        newReplay: true,
      }),
    ).toEqual({
      admitted: false,
      reason: 'game 1000 ended at 2010-01-01T01:00:00.000Z, more than 3600000 ms ago',
    });
  });

  it('refuses an unknown game', async () => {
    expect(
      await admissionAt(game1000EndMs).admit({ gameId: 10000n, playerName: 'p', newReplay: true }),
    ).toEqual({
      admitted: false,
      reason: 'game 10000 is not in game_stats',
    });
  });
});

describe('FafGameAdmission without a database', () => {
  it('admits, and says why', async () => {
    const down = new FafDatabase({
      ...(await unreachableDatabaseOptions()),
      maxAttempts: 1,
    });
    const warnings: FafWarning[] = [];
    const admission = new FafGameAdmission(down, {
      maxAgeAfterEndMs: hourMs,
      clock: clockAt(0),
      onWarning: (warning) => warnings.push(warning),
    });
    try {
      const verdict = await admission.admit({ gameId: 7n, playerName: 'p', newReplay: true });
      expect(verdict).toEqual({ admitted: true, reason: 'game 7 admitted unchecked: the database failed' });
      expect(warnings).toEqual([
        { gameId: 7n, message: verdict.reason, cause: expect.any(Error) as unknown },
      ]);
    } finally {
      await down.close();
    }
  });
});
