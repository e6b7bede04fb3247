import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { collectGame, pacedStream, playGame, writeGame } from '@faf-replay/client';
import { fixture, fixtureFacts, firstDifference, waitForFile, waitUntil } from '@faf-replay/fixtures';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

// kill -9 (issue 12): live games are logged to disk as they arrive; a server killed mid-game and
// started again on the same paths saves every one of them, lacking at most the last fsync
// interval and what was in flight.

const example = fixture(fixtureFacts.example.file);
const games = Array.from({ length: 20 }, (_, index) => 9_500 + index);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

function flags(dataDir: string): string[] {
  // A long grace: after the restart, a returning writer has time to continue its game.
  return [
    ...testFlags(dataDir),
    '--replay.time_with_zero_writers_to_end_replay_s=4',
    '--storage.fsync_interval_s=0.5',
  ];
}

async function logSize(dataDir: string, gameId: number): Promise<number> {
  return (await stat(join(dataDir, 'live', String(gameId), 'replay-log.bin'))).size;
}

describe('kill -9', () => {
  it('recovers every live game after SIGKILL and saves each as a prefix of what its writers sent', async () => {
    const dataDir = tempDataDir();
    const first = await AppProcess.start(flags(dataDir));
    apps.push(first);
    const sent = new Map<number, number[]>();
    const progress = new Set<() => void>();
    const writers = games.flatMap((gameId) =>
      [0, 1].map((index) => {
        sent.set(gameId, [0, 0]);
        return playGame(index === 0 ? first.tcp : first.websocket, {
          gameId,
          replay: pacedStream(example),
          speed: 10,
          onBytes: (bytes) => {
            const counts = sent.get(gameId) ?? [0, 0];
            counts[index] = (counts[index] ?? 0) + bytes;
            for (const wake of progress) wake();
          },
        });
      }),
    );
    const readers = games.map((gameId) =>
      collectGame(first.tcp, { gameId, retryUntilMs: performance.now() + 5_000 }),
    );
    await first.waitForLogCount('started', games.length);
    // Mid-game: once every writer is 12,000 bytes in, note what each game surely received, and
    // wait until every game's log has grown past that point (a flush came after it).
    await waitUntil(
      () => (games.every((gameId) => Math.min(...(sent.get(gameId) ?? [0])) >= 12_000) ? true : undefined),
      {
        what: 'every writer 12,000 bytes in',
        timeoutMs: 20_000,
        wakeups: [
          (wake) => {
            progress.add(wake);
            return () => progress.delete(wake);
          },
        ],
      },
    );
    const received = new Map(games.map((gameId) => [gameId, Math.min(...(sent.get(gameId) ?? [0]))]));
    const sizes = new Map(
      await Promise.all(games.map(async (gameId) => [gameId, await logSize(dataDir, gameId)] as const)),
    );
    await Promise.all(
      games.map((gameId) =>
        waitForFile(join(dataDir, 'live', String(gameId), 'replay-log.bin'), {
          until: (bytes) => bytes.length > (sizes.get(gameId) ?? 0),
          timeoutMs: 5_000,
        }),
      ),
    );
    expect(await first.stop('SIGKILL')).toBeNull();
    await Promise.allSettled([...writers, ...readers]);

    const second = await AppProcess.start(flags(dataDir));
    apps.push(second);
    expect(second.logsMatching(`Recovered ${games.length} live game(s)`)).toHaveLength(1);
    // A player of the first game comes back within the grace: the game goes on, whole.
    const returning = games[0] ?? 0;
    await writeGame(second.tcp, { gameId: returning, stream: example });
    for (const gameId of games) {
      const saved = await readFafReplay(await waitForSavedFile(dataDir, BigInt(gameId), 20_000));
      expect(firstDifference(saved.replay, example.subarray(0, saved.replay.length))).toBe(-1);
      if (gameId === returning) expect(saved.replay.length).toBe(example.length);
      // Lacking at most the last flush and what was in flight: more than what was surely received.
      else expect(saved.replay.length).toBeGreaterThanOrEqual((received.get(gameId) ?? 0) - 2_000);
    }
    const metrics = await second.metrics();
    expect(metrics).toContain(`replayserver_recovered_replays_total ${games.length}`);
  }, 120_000);
});
