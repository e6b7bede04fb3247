import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatsError } from '@faf-replay/core';
import { FilePendingStatsJournal } from './file-pending-stats-journal.js';
import { stalledFifo } from './testing/index.js';

describe('FilePendingStatsJournal', () => {
  it('keeps one record per game across instances, replacing older ones', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'faf-stats-')), 'pending');
    const journal = new FilePendingStatsJournal({ dir });
    await journal.put({ gameId: 2000n, stats: { ticks: 1, available: false } });
    await journal.put({ gameId: 2000n, stats: { ticks: 1_928, available: true } });
    await journal.put({ gameId: 18_446_744_073_709_551_615n, stats: { ticks: null, available: false } });
    const reopened = new FilePendingStatsJournal({ dir });
    const listed = [...(await reopened.list())].sort((a, b) => (a.gameId < b.gameId ? -1 : 1));
    expect(listed).toEqual([
      { gameId: 2000n, stats: { ticks: 1_928, available: true } },
      { gameId: 18_446_744_073_709_551_615n, stats: { ticks: null, available: false } },
    ]);
    await reopened.remove(2000n);
    await reopened.remove(2000n);
    expect(await reopened.list()).toHaveLength(1);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reads an absent directory as empty and skips a corrupt record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faf-stats-'));
    expect(await new FilePendingStatsJournal({ dir: join(dir, 'none') }).list()).toEqual([]);
    await writeFile(join(dir, '5.stats.json'), '{"uid":');
    expect(await new FilePendingStatsJournal({ dir }).list()).toEqual([]);
  });

  it('throws a StatsError when it cannot write', async () => {
    const root = await mkdtemp(join(tmpdir(), 'faf-stats-'));
    await writeFile(join(root, 'file'), '');
    const journal = new FilePendingStatsJournal({ dir: join(root, 'file', 'pending') });
    await expect(journal.put({ gameId: 1n, stats: { ticks: 1, available: true } })).rejects.toBeInstanceOf(
      StatsError,
    );
  });

  it('skips a FIFO planted among the records without blocking on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faf-stats-'));
    const journal = new FilePendingStatsJournal({ dir });
    await journal.put({ gameId: 9n, stats: { ticks: 2, available: true } });
    const fifo = await stalledFifo(join(dir, '10.stats.json'));
    try {
      expect(await journal.list()).toEqual([{ gameId: 9n, stats: { ticks: 2, available: true } }]);
    } finally {
      await fifo.release();
    }
  });
});
