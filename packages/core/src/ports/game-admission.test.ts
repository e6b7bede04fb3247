import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { CoreHarness, settle } from '../testing/index.js';
import { admitEveryGame } from './game-admission.js';
import type { AdmissionRequest, AdmissionVerdict, GameAdmission } from './game-admission.js';

const example = fixture(fixtureFacts.example.file);

/** Refuses the players it is given, and records every request. */
class RecordingAdmission implements GameAdmission {
  readonly requests: AdmissionRequest[] = [];
  readonly #refusedPlayers: ReadonlySet<string>;

  constructor(refusedPlayers: readonly string[]) {
    this.#refusedPlayers = new Set(refusedPlayers);
  }

  admit(request: AdmissionRequest): Promise<AdmissionVerdict> {
    this.requests.push(request);
    return Promise.resolve(
      this.#refusedPlayers.has(request.playerName)
        ? { admitted: false, reason: `${request.playerName} is not a player of game ${request.gameId}` }
        : { admitted: true },
    );
  }
}

describe('GameAdmission as the core asks it', () => {
  it('asks about every writer, by player name: the first as a new replay, later ones not', async () => {
    const admission = new RecordingAdmission(['intruder']);
    const h = new CoreHarness({ admission });
    const first = h.connect('P/7/user1.SCFAreplay\0');
    first.client.send(example);
    await settle();
    const intruder = h.connect('P/7/intruder.scfareplay\0');
    const second = h.connect('P/7/user2.SCFAreplay\0');
    await settle();
    expect(admission.requests).toEqual([
      { gameId: 7n, playerName: 'user1', newReplay: true },
      { gameId: 7n, playerName: 'intruder', newReplay: false },
      { gameId: 7n, playerName: 'user2', newReplay: false },
    ]);
    await intruder.client.whenClosed();
    expect(intruder.client.closedBy).toBe('ended');
    expect(h.logger.find('intruder is not a player of game 7')).toHaveLength(1);
    expect(h.events.servedCount('No replay matched')).toBe(1);
    expect([first.client.closedBy, second.client.closedBy]).toEqual(['open', 'open']);
    expect(h.events.started).toEqual([7n]);
  });

  it('creates no replay for a refused first writer', async () => {
    const admission = new RecordingAdmission(['intruder']);
    const h = new CoreHarness({ admission });
    const intruder = h.connect('P/8/intruder.SCFAreplay\0');
    await h.allServed();
    expect(intruder.client.closedBy).toBe('ended');
    expect(admission.requests).toEqual([{ gameId: 8n, playerName: 'intruder', newReplay: true }]);
    expect(h.directory.liveGames).toBe(0);
  });

  it('admits everyone by default', async () => {
    expect(await admitEveryGame.admit({ gameId: 1n, playerName: 'anyone', newReplay: true })).toEqual({
      admitted: true,
    });
  });
});
