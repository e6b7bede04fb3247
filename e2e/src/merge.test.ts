import { setTimeout as scenarioPause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { collectGame, pacedStream, playGame, ReplayWriter, writeGame } from '@faf-replay/client';
import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

// The canonical replay is decided at the delay horizon by votes (issue 9), seen from outside:
// whatever the arrival timing, every save and every reader is the real game.

const example = fixture(fixtureFacts.example.file);
const streams = divergingStreams();
const winner = streams[fixtureFacts.diverging.winner] ?? Buffer.alloc(0);
const winnerBody = winner.subarray(fixtureFacts.diverging.headerBytes);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function startApp(dataDir: string, extra: string[] = []): Promise<AppProcess> {
  const app = await AppProcess.start([...testFlags(dataDir), ...extra]);
  apps.push(app);
  return app;
}

/** One game of the six diverging_1 writers, all at full speed at once, with a reader. */
async function playDivergingGame(app: AppProcess, dataDir: string, gameId: number): Promise<void> {
  const writers = streams.map((stream, index) =>
    writeGame(index % 2 === 0 ? app.tcp : app.websocket, { gameId, stream }),
  );
  await app.waitForLog((line) => line.msg === `Replay ${gameId} started`);
  const reader = collectGame(gameId % 2 === 0 ? app.tcp : app.websocket, { gameId });
  await Promise.all(writers);
  const received = await reader;
  expectSameBytes(received.bytes.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
  const saved = await readFafReplay(await waitForSavedFile(dataDir, BigInt(gameId)));
  expectSameBytes(saved.replay.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
  expectSameBytes(received.bytes, saved.replay);
}

describe('the merge, seen from outside', () => {
  it('saves and serves stream 5 for six diverging writers at full speed: 8 fresh servers × 5 games', async () => {
    for (let run = 0; run < 8; run++) {
      const dataDir = tempDataDir();
      const app = await startApp(dataDir, ['--replay.delay_s=1', '--replay.update_interval_s=0.2']);
      const games = [1, 2, 3, 4, 5].map((game) => playDivergingGame(app, dataDir, 6_000 + run * 10 + game));
      await Promise.all(games);
      await app.stop('SIGTERM');
    }
  }, 180_000);

  it('keeps the real game when a hostile writer comes 3 s early and another 3 s late but faster', async () => {
    // delay 10 s. t=0: a writer with a foreign header and a garbage body; t=3: the two real
    // players (the example game at 20× real time); t=6: a writer with the real header and another
    // garbage body at full speed. Each hostile is one vote against the players' two.
    const dataDir = tempDataDir();
    const app = await startApp(dataDir, [
      '--replay.delay_s=10',
      '--replay.update_interval_s=0.2',
      '--replay.time_with_zero_writers_to_end_replay_s=5',
    ]);
    const foreignHeader = (streams[0] ?? winner).subarray(0, fixtureFacts.diverging.headerBytes);
    const garbage = (seed: number): Uint8Array =>
      Uint8Array.from({ length: 60_000 }, (_, index) => (index * 131 + seed) % 251);
    const hostileStream = concat(foreignHeader, garbage(7));
    const early = await ReplayWriter.connect(app.tcp, { gameId: 7_000, stream: hostileStream });
    // It stays connected (all but its last byte sent) until the players are done.
    early.sendUpTo(hostileStream.length - 1);
    await app.waitForLog((line) => line.msg === 'Replay 7000 started');
    await scenarioPause(3_000);
    const players = [app.tcp, app.websocket].map((address) =>
      playGame(address, { gameId: 7_000, replay: pacedStream(example), speed: 20 }),
    );
    const reader = collectGame(app.tcp, { gameId: 7_000 });
    await scenarioPause(3_000);
    const late = writeGame(app.websocket, {
      gameId: 7_000,
      stream: concat(example.subarray(0, 1_966), garbage(11)),
    });
    await Promise.all([...players, late]);
    early.sendAll();
    await early.closed;
    const saved = await readFafReplay(await waitForSavedFile(dataDir, 7_000n, 30_000));
    expectSameBytes(saved.replay, example);
    expectSameBytes((await reader).bytes, example);
    expect(app.logsMatching('writers diverge at body offset 0').length).toBeGreaterThan(0);
  }, 60_000);
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
