import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { collectGame, pacedStream, playGame, writeGame } from '@faf-replay/client';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

// Drain, for restarts that cut no game (issue 12): SIGTERM with server.drain_timeout_s refuses
// new games while the live ones finish whole, with their readers; then the process exits 0.

const example = fixture(fixtureFacts.example.file);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

describe('drain', () => {
  it('finishes live games whole on SIGTERM, refuses new ones, gives readers everything, exits 0', async () => {
    const dataDir = tempDataDir();
    const app = await AppProcess.start([...testFlags(dataDir), '--server.drain_timeout_s=60']);
    apps.push(app);
    // Two games at 20× real time (about 10 s each), two players and a reader each.
    const games = [8_001, 8_002];
    const players = games.flatMap((gameId) =>
      [app.tcp, app.websocket].map((address) =>
        playGame(address, { gameId, replay: pacedStream(example), speed: 20 }),
      ),
    );
    await app.waitForLogCount('started', games.length);
    const readers = games.map((gameId) => collectGame(app.websocket, { gameId }));
    app.signal('SIGTERM');
    await app.waitForLog((line) => line.msg.startsWith('Draining'));
    const metrics = await fetch(`http://127.0.0.1:${app.ports.metrics}/readyz`);
    expect(metrics.status).toBe(503);
    const refused = await writeGame(app.tcp, { gameId: 8_003, stream: example });
    expect(app.logsMatching('the server is draining').length).toBeGreaterThan(0);
    expect(refused.kind).not.toBe('error');
    expect(await Promise.all(players)).toEqual(players.map(() => ({ kind: 'end' })));
    for (const reader of await Promise.all(readers)) expectSameBytes(reader.bytes, example);
    for (const gameId of games) {
      const saved = await readFafReplay(await waitForSavedFile(dataDir, BigInt(gameId)));
      expectSameBytes(saved.replay, example);
    }
    expect(await app.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(app.logsMatching('Replay 8003 started')).toHaveLength(0);
    expect(app.logsMatching('cut short')).toHaveLength(0);
  }, 60_000);
});
