import type { AdmissionRequest, Clock, GameId } from '@faf-replay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FafDatabase } from './faf-database.js';
import { FafGameAdmission } from './faf-game-admission.js';
import type { FafGameAdmissionOptions } from './faf-game-admission.js';
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
/** Game 1050 has not ended; its players are user1 and user2. Game 1010: user1, and user2 as an AI. */
const liveGame = 1050n;

function clockAt(nowMs: number): Clock {
  return { now: () => nowMs, sleep: () => Promise.resolve() };
}

function newReplay(gameId: GameId, playerName = 'user1'): AdmissionRequest {
  return { gameId, playerName, newReplay: true };
}

function joining(gameId: GameId, playerName: string): AdmissionRequest {
  return { gameId, playerName, newReplay: false };
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

  function admission(options: Partial<FafGameAdmissionOptions> = {}): FafGameAdmission {
    return new FafGameAdmission(database, { maxAgeAfterEndMs: hourMs, clock: clockAt(0), ...options });
  }

  function admissionAt(nowMs: number): FafGameAdmission {
    return admission({ clock: clockAt(nowMs) });
  }

  describe('require_known_game', () => {
    it('admits a game that has not ended', async () => {
      expect(await admissionAt(Date.UTC(2030, 0, 1)).admit(newReplay(liveGame))).toEqual({ admitted: true });
    });

    it('admits a game that ended at most maxAgeAfterEndMs ago', async () => {
      expect(await admissionAt(game1000EndMs + hourMs).admit(newReplay(1000n))).toEqual({ admitted: true });
    });

    it('refuses a game that ended longer ago', async () => {
      expect(await admissionAt(game1000EndMs + hourMs + 1).admit(newReplay(1000n))).toEqual({
        admitted: false,
        reason: 'game 1000 ended at 2010-01-01T01:00:00.000Z, more than 3600000 ms ago',
      });
    });

    it('refuses an unknown game', async () => {
      expect(await admissionAt(game1000EndMs).admit(newReplay(10000n))).toEqual({
        admitted: false,
        reason: 'game 10000 is not in game_stats',
      });
    });

    it('does not ask about a writer that joins a live replay', async () => {
      expect(await admissionAt(game1000EndMs).admit(joining(10000n, 'anyone'))).toEqual({ admitted: true });
    });
  });

  describe('require_known_player', () => {
    const playerCheck = (): FafGameAdmission =>
      admission({ requireKnownGame: false, requireKnownPlayer: true });

    it('admits each human player of the game, creating the replay or joining it', async () => {
      const check = playerCheck();
      expect(await check.admit(newReplay(liveGame, 'user1'))).toEqual({ admitted: true });
      expect(await check.admit(joining(liveGame, 'user2'))).toEqual({ admitted: true });
      expect(await check.admit(newReplay(1000n, 'user4'))).toEqual({ admitted: true });
    });

    it.each([
      ['a login of no player of the game', liveGame, 'user3'],
      ['an unknown login', liveGame, 'intruder'],
      ['a login in another case', liveGame, 'User1'],
      ['a login padded with a space', liveGame, 'user1 '],
      ["an AI's account", 1010n, 'user2'],
      ['any name for an unknown game', 10000n, 'user1'],
      ['an empty name', liveGame, ''],
    ])('refuses %s', async (_case, gameId, playerName) => {
      expect(await playerCheck().admit(joining(gameId, playerName))).toEqual({
        admitted: false,
        reason: `${JSON.stringify(playerName)} is not a player of game ${gameId} in game_player_stats`,
      });
    });

    it('checks both when both are required: the game for a new replay, then the player', async () => {
      const both = admission({ requireKnownPlayer: true, clock: clockAt(game1000EndMs + 2 * hourMs) });
      expect(await both.admit(newReplay(1000n, 'user1'))).toMatchObject({ reason: /ended at/ });
      expect(await both.admit(newReplay(liveGame, 'intruder'))).toMatchObject({ reason: /not a player/ });
      expect(await both.admit(joining(1000n, 'user1'))).toEqual({ admitted: true });
    });
  });
});

describe('FafGameAdmission without a database', () => {
  async function downAdmission(
    options: Partial<FafGameAdmissionOptions>,
    warnings: FafWarning[],
  ): Promise<{ admission: FafGameAdmission; down: FafDatabase }> {
    const down = new FafDatabase({ ...(await unreachableDatabaseOptions()), maxAttempts: 1 });
    const admission = new FafGameAdmission(down, {
      maxAgeAfterEndMs: hourMs,
      clock: clockAt(0),
      onWarning: (warning) => warnings.push(warning),
      ...options,
    });
    return { admission, down };
  }

  it('admits a new replay, and says why', async () => {
    const warnings: FafWarning[] = [];
    const { admission, down } = await downAdmission({}, warnings);
    try {
      const verdict = await admission.admit(newReplay(7n));
      expect(verdict).toEqual({ admitted: true, reason: 'game 7 admitted unchecked: the database failed' });
      expect(warnings).toEqual([
        { gameId: 7n, message: verdict.reason, cause: expect.any(Error) as unknown },
      ]);
    } finally {
      await down.close();
    }
  });

  it('admits a writer whose player cannot be checked, and says why', async () => {
    const warnings: FafWarning[] = [];
    const { admission, down } = await downAdmission(
      { requireKnownGame: false, requireKnownPlayer: true },
      warnings,
    );
    try {
      const verdict = await admission.admit(joining(7n, 'user1'));
      expect(verdict).toEqual({
        admitted: true,
        reason: 'player "user1" of game 7 admitted unchecked: the database failed',
      });
      expect(warnings).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});
