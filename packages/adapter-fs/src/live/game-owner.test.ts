import { mkdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IoWatchdog } from '../io-watchdog.js';
import { makeTempDir } from '../testing/index.js';
import { claimGame, readGameDirectory } from './game-owner.js';
import { LOG_FILE_NAME } from './live-log-file.js';

describe('game owner records', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let dir: string;
  let watchdog: IoWatchdog;
  beforeEach(async () => {
    watchdog = new IoWatchdog(60_000, 'the test');
    temp = await makeTempDir('faf-game-owner-');
    dir = join(temp.path, '1');
    await mkdir(dir);
  });
  afterEach(async () => {
    watchdog.stop();
    await temp.remove();
  });

  it('lets exactly one of many claimants racing for a generation win', async () => {
    const claimants = Array.from({ length: 32 }, (_, i) => `owner-${i}`);
    const won = await Promise.all(claimants.map((owner) => claimGame(dir, 3, owner, watchdog)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = claimants[won.indexOf(true)];
    expect(await readlink(join(dir, 'owner.3'))).toBe(winner);
    expect((await readGameDirectory(dir, watchdog))?.owner).toEqual({ generation: 3, ownerId: winner });
  });

  it('never gives a generation twice: a claimant that saw an older owner loses to the one that claimed after it', async () => {
    expect(await claimGame(dir, 0, 'first', watchdog)).toBe(true);
    expect(await claimGame(dir, 1, 'second', watchdog)).toBe(true);
    expect(await claimGame(dir, 2, 'third', watchdog)).toBe(true);
    // Stalled since it read generation 0: its claim of generation 1 fails, whatever came since.
    expect(await claimGame(dir, 1, 'stalled', watchdog)).toBe(false);
    expect((await readGameDirectory(dir, watchdog))?.owner).toEqual({ generation: 2, ownerId: 'third' });
  });

  it('reads the highest generation, numerically, and whether the log file exists', async () => {
    for (const [generation, owner] of [
      [9, 'nine'],
      [10, 'ten'],
      [2, 'two'],
    ] as const) {
      await claimGame(dir, generation, owner, watchdog);
    }
    await writeFile(join(dir, 'owner.x'), 'not a record');
    await writeFile(join(dir, 'owner.011'), 'not a record either');
    expect(await readGameDirectory(dir, watchdog)).toEqual({
      owner: { generation: 10, ownerId: 'ten' },
      hasLogFile: false,
    });
    await writeFile(join(dir, LOG_FILE_NAME), '');
    expect((await readGameDirectory(dir, watchdog))?.hasLogFile).toBe(true);
  });

  it('reports a directory without records as ownerless, and a removed one as gone', async () => {
    expect(await readGameDirectory(dir, watchdog)).toEqual({ owner: undefined, hasLogFile: false });
    await rm(dir, { recursive: true });
    expect(await readGameDirectory(dir, watchdog)).toBeUndefined();
    expect(await claimGame(dir, 0, 'late', watchdog)).toBe(false);
  });
});
