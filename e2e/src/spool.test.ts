import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay, readStatsIndex, statsIndexPath, vaultReplayPath } from '@faf-replay/adapter-fs';
import { writeGame } from '@faf-replay/client';
import { fixture, fixtureFacts, firstDifference, pathChanges, waitUntil } from '@faf-replay/fixtures';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';

const example = fixture(fixtureFacts.example.file);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

/**
 * Makes the directory where a replay will be saved unwritable. Tests run as root here, where
 * `chmod 0555` does not stop writes: the directory is then replaced by a regular file, which
 * fails every write below it (ENOTDIR) just as really.
 */
async function blockVaultDirectory(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o555);
  const probe = join(dir, 'probe');
  const stillWritable = await writeFile(probe, '').then(
    () => true,
    () => false,
  );
  if (!stillWritable) return () => chmod(dir, 0o755);
  await rm(dir, { recursive: true });
  await writeFile(dir, '');
  return async () => {
    await rm(dir);
    await mkdir(dir, { recursive: true });
  };
}

describe('a vault that cannot be written', () => {
  it('keeps retrying, spools the replay at shutdown, and saves it at the next start', async () => {
    const dataDir = tempDataDir();
    const flags = testFlags(dataDir);
    const target = vaultReplayPath(join(dataDir, 'vault'), 7000n);
    const unblock = await blockVaultDirectory(dirname(target));

    const first = await AppProcess.start(flags);
    apps.push(first);
    await writeGame(first.tcp, { gameId: 7000, stream: example });
    await first.waitForLogCount('Failed to save replay 7000', 2);
    expect(await first.metrics()).toMatch(/replayserver_replay_save_failures_total [2-9]/);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.logsMatching('kept it in the spool')).toHaveLength(1);

    await unblock();
    const second = await AppProcess.start(flags);
    apps.push(second);
    await second.waitForLog((line) => line.msg === 'Recovered replay 7000 from the spool');
    const saved = await readFafReplay(await readFile(target));
    expect(firstDifference(saved.replay, example)).toBe(-1);
    expect(saved.replay.length).toBe(example.length);
    // Recovery records the ticks after the save: stop once they are in the stats index.
    const index = statsIndexPath(join(dataDir, 'vault'));
    const recorded = await waitUntil(
      async () => {
        const entry = (await readStatsIndex(index)).games.get(7000n);
        return entry?.available === true ? entry : undefined;
      },
      { what: 'the stats of game 7000', timeoutMs: 5_000, wakeups: [pathChanges(index)] },
    );
    expect(recorded).toMatchObject({ ticks: 1_928, available: true });
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('tells the operator about a spool file it cannot read, and leaves it in place', async () => {
    const dataDir = tempDataDir();
    const spoolDir = join(dataDir, 'spool');
    await mkdir(spoolDir, { recursive: true });
    await writeFile(join(spoolDir, '7100.spool'), 'not a spool record');
    const app = await AppProcess.start(testFlags(dataDir));
    apps.push(app);
    const line = await app.waitForLog((l) => l.msg.startsWith('Unreadable spool file'));
    expect(line.level).toBe(50);
    expect(await readFile(join(spoolDir, '7100.spool'), 'utf8')).toBe('not a spool record');
  });
});
