import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../testing/index.js';
import { LOG_FILE_NAME } from './live-log-file.js';
import {
  collect,
  concat,
  liveLogSandbox,
  plainEntries,
  pseudoBytes,
  readAll,
} from './live-log.test-support.js';

const HOT_BYTES = 4_096;

describe('FileReplayLogStore: reads and writes', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const logPath = (gameId: bigint): string => join(sandbox.livePath, String(gameId), LOG_FILE_NAME);
  /** The size of a game's log file; 0 while it does not exist. */
  const sizeOf = async (gameId: bigint): Promise<number> =>
    stat(logPath(gameId)).then(
      (stats) => stats.size,
      () => 0,
    );

  it('keeps only the recent end in memory: readers behind it read the file', async () => {
    const store = sandbox.store();
    const log = store.open(1n, { hotBytes: HOT_BYTES });
    const segments = Array.from({ length: 40 }, (_, i) => pseudoBytes(1_000 + i, i + 1));
    for (const segment of segments) log.canonical.append([segment]);
    log.canonical.finish();
    await log.sync();
    const all = concat(segments);
    expectSameBytes(await readAll(log.canonical.read(0)), all);
    expect(() => log.canonical.tail(all.length - HOT_BYTES - 1, all.length)).toThrow(RangeError);
    expectSameBytes(concat(log.canonical.tail(all.length - HOT_BYTES, all.length)), all.subarray(-HOT_BYTES));

    // Change the file under the log: what readers get from the old segments must change with it.
    const file = await readFile(logPath(1n));
    const first = file.indexOf(segments[0] as Uint8Array);
    const last = file.indexOf(segments[39] as Uint8Array);
    expect(first).toBeGreaterThan(0);
    file.fill(0xee, first, first + 10);
    file.fill(0xee, last, last + 10);
    await writeFile(logPath(1n), file);
    const reread = await readAll(log.canonical.read(0));
    expect([...reread.subarray(0, 10)]).toEqual(Array<number>(10).fill(0xee));
    expect((await log.canonical.segment(0))?.bytes.subarray(0, 10)).toEqual(reread.subarray(0, 10));
    // The last segment is still in memory (readers at the live edge share it).
    expectSameBytes(reread.subarray(all.length - 1_039), segments[39] as Uint8Array);
    expect((await log.canonical.segment(39))?.bytes).toEqual(segments[39]);
    await log.remove();
  });

  it('gives many readers, from any offset and at any time, exactly the committed bytes while appends and writes go on', async () => {
    const store = sandbox.store();
    const log = store.open(2n, { hotBytes: HOT_BYTES });
    const parts: Uint8Array[] = [];
    const readers: { from: number; read: Promise<Uint8Array> }[] = [];
    const startReader = (from: number): void => {
      readers.push({ from, read: readAll(log.canonical.read(from)) });
    };
    for (let from = 0; from < 5; from++) startReader(from * 7);
    let length = 0;
    for (let step = 0; step < 120; step++) {
      const part = pseudoBytes(1 + ((step * 7_919) % 70_000), 100 + step);
      parts.push(part);
      log.canonical.append([part.subarray(0, 1), part.subarray(1)]);
      length += part.length;
      if (step % 10 === 9) await store.flush();
      if (step % 7 === 3) startReader(Math.floor((length * ((step * 37) % 100)) / 100));
      if (step % 11 === 5) startReader(length);
      if (step % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    log.canonical.finish();
    const all = concat(parts);
    startReader(all.length);
    startReader(0);
    expect(readers.length).toBeGreaterThan(30);
    for (const reader of readers) expectSameBytes(await reader.read, all.subarray(reader.from));
    for (let n = 0; n < log.canonical.segmentCount; n += 17) {
      const segment = await log.canonical.segment(n);
      expectSameBytes(
        segment?.bytes ?? new Uint8Array(),
        all.subarray(segment?.offset, log.canonical.segmentOffset(n + 1)),
      );
    }
    await log.remove();
  });

  it('writes and fsyncs every game at each tick, without being asked', async () => {
    const store = sandbox.store({ fsyncIntervalMs: 5 });
    const logs = [store.open(3n, { hotBytes: HOT_BYTES }), store.open(4n, { hotBytes: HOT_BYTES })];
    for (const log of logs) {
      log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
      log.canonical.append([pseudoBytes(100, 3)]);
    }
    await until(
      async () => (await sizeOf(3n)) > 100 && (await sizeOf(4n)) > 100,
      'both logs written by the tick',
    );
    const recovered = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    expect(recovered.map(({ log }) => [log.gameId, log.canonical.length])).toEqual([
      [3n, 100],
      [4n, 100],
    ]);
  });

  it('writes many games through few write slots, each sync waiting its turn', async () => {
    const store = sandbox.store({ maxConcurrentWrites: 1 });
    const logs = Array.from({ length: 20 }, (_, i) => store.open(BigInt(30 + i), { hotBytes: HOT_BYTES }));
    const rounds = [0, 1, 2].map(async (round) => {
      for (const [i, log] of logs.entries()) log.canonical.append([pseudoBytes(500, i * 10 + round)]);
      await Promise.all(logs.map((log) => log.sync()));
    });
    await Promise.all(rounds);
    const recovered = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    expect(recovered.map(({ log }) => log.canonical.length)).toEqual(logs.map(() => 1_500));
  });

  it('writes a batch over 1 MiB at once, without waiting for the tick', async () => {
    const store = sandbox.store();
    const log = store.open(5n, { hotBytes: HOT_BYTES });
    log.canonical.append([pseudoBytes(3 * 1024 * 1024, 5)]);
    await until(async () => (await sizeOf(5n)) > 3 * 1024 * 1024, 'the large batch written');
  });

  it('lets a reader behind memory finish after the log is removed', async () => {
    const store = sandbox.store();
    const log = store.open(6n, { hotBytes: HOT_BYTES });
    const parts = Array.from({ length: 20 }, (_, i) => pseudoBytes(100_000, 60 + i));
    for (const part of parts) log.canonical.append([part]);
    log.canonical.finish();
    await log.sync();
    const reader = log.canonical.read(0)[Symbol.asyncIterator]();
    const first = await reader.next();
    await log.remove();
    await expect(stat(join(sandbox.livePath, '6'))).rejects.toMatchObject({ code: 'ENOENT' });
    const chunks = [first.value as Uint8Array];
    for (let next = await reader.next(); next.done !== true; next = await reader.next())
      chunks.push(next.value);
    expectSameBytes(concat(chunks), concat(parts));
    expect(store.openLogs).toBe(0);
  });

  it('removes a game opened a moment ago, while its file is still being created', async () => {
    const store = sandbox.store();
    for (let gameId = 100n; gameId < 110n; gameId++) {
      const log = store.open(gameId, { hotBytes: HOT_BYTES });
      log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
      await log.remove();
    }
    expect(await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }))).toEqual([]);
  });

  it('journals entries in order, across batches, for the next process', async () => {
    const store = sandbox.store();
    const log = store.open(7n, { hotBytes: HOT_BYTES });
    const entries = [
      { type: 'fork', branch: 0, parent: null, at: 0 },
      { type: 'writer', writer: 0, name: 'a', atMs: 10 },
      { type: 'extend', branch: 0, bytes: pseudoBytes(300_000, 7), atMs: 11 },
      { type: 'position', writer: 0, branch: 0, length: 300_000 },
      { type: 'writer', writer: 1, name: 'b', atMs: 12 },
      { type: 'position', writer: 1, branch: 0, length: 1_000 },
      { type: 'left', writer: 0, atMs: 13 },
    ] as const;
    for (const [index, entry] of entries.entries()) {
      log.journal(entry);
      if (index % 2 === 1) await log.sync();
    }
    await log.close();
    const [game] = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    if (game === undefined) throw new Error('game 7 not recovered');
    expect(plainEntries(await collect(game.entries))).toEqual(plainEntries(entries));
  });
});
