import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StatsError } from '@faf-replay/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStatsIndex, statsIndexPath } from './local-stats-index.js';
import { readStatsIndex } from './read-stats-index.js';
import { makeTempDir } from './testing/index.js';

describe('LocalStatsIndex and readStatsIndex', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let vaultRoot: string;
  let index: LocalStatsIndex;
  let clockMs: number;
  beforeEach(async () => {
    temp = await makeTempDir();
    vaultRoot = join(temp.path, 'vault');
    clockMs = 1_700_000_000_500;
    index = new LocalStatsIndex({ vaultRoot, now: () => clockMs });
  });
  afterEach(async () => {
    await index.close();
    await temp.remove();
  });

  it('appends one JSON line per record next to the vault', async () => {
    await index.record(2000n, { ticks: 1928, available: true });
    await index.record(2n ** 64n - 1n, { ticks: null, available: false });
    expect(await readFile(join(vaultRoot, 'replay-index.jsonl'), 'utf8')).toBe(
      '{"uid":"2000","ticks":1928,"available":true,"recorded_at":1700000000}\n' +
        '{"uid":"18446744073709551615","ticks":null,"available":false,"recorded_at":1700000000}\n',
    );
    expect((await stat(statsIndexPath(vaultRoot))).mode & 0o777).toBe(0o644);
  });

  it('reads the latest record of each game', async () => {
    await index.record(1n, { ticks: null, available: false });
    await index.record(2n, { ticks: 5, available: true });
    clockMs += 60_000;
    await index.record(1n, { ticks: 10, available: true });
    const { games, skippedLines } = await readStatsIndex(statsIndexPath(vaultRoot));
    expect([...games.values()]).toEqual([
      { gameId: 1n, ticks: 10, available: true, recordedAtS: 1_700_000_060 },
      { gameId: 2n, ticks: 5, available: true, recordedAtS: 1_700_000_000 },
    ]);
    expect(skippedLines).toBe(0);
  });

  it('never turns an available replay into an unavailable one', async () => {
    await index.record(3n, { ticks: 100, available: true });
    await index.record(3n, { ticks: null, available: false });
    const { games } = await readStatsIndex(statsIndexPath(vaultRoot));
    expect(games.get(3n)).toMatchObject({ ticks: 100, available: true });
  });

  it('keeps every record of concurrent calls, each on its own line', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => index.record(BigInt(i), { ticks: i, available: true })),
    );
    const { games, skippedLines } = await readStatsIndex(statsIndexPath(vaultRoot));
    expect(games.size).toBe(50);
    expect(skippedLines).toBe(0);
  });

  it('skips a line torn by a crash, and starts the next record on a new line', async () => {
    await index.record(1n, { ticks: 1, available: true });
    await index.close();
    await appendFile(statsIndexPath(vaultRoot), '{"uid":"2","ti');
    const reopened = new LocalStatsIndex({ vaultRoot, now: () => clockMs });
    await reopened.record(3n, { ticks: 3, available: true });
    await reopened.close();
    const { games, skippedLines } = await readStatsIndex(statsIndexPath(vaultRoot));
    expect([...games.keys()]).toEqual([1n, 3n]);
    expect(skippedLines).toBe(1);
  });

  it('reads a missing index as empty', async () => {
    expect(await readStatsIndex(join(temp.path, 'nothing.jsonl'))).toEqual({
      games: new Map(),
      skippedLines: 0,
    });
  });

  it('throws a StatsError when it cannot write, and recovers once it can', async () => {
    await writeFile(vaultRoot, 'a file where the vault should be');
    const error: unknown = await index.record(1n, { ticks: 1, available: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatsError);
    expect((error as StatsError).cause).toMatchObject({ code: 'EEXIST' });
    await expect(readStatsIndex(statsIndexPath(vaultRoot))).rejects.toBeInstanceOf(StatsError);

    await rm(vaultRoot);
    await index.record(2n, { ticks: 2, available: true });
    expect([...(await readStatsIndex(statsIndexPath(vaultRoot))).games.keys()]).toEqual([2n]);
  });
});
