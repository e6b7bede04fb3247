import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { mkdir, open, readdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry, ReplayLog } from '@faf-replay/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME } from './live-log-file.js';
import {
  collect,
  concat,
  gameOfDeadOwner,
  liveLogSandbox,
  plainEntries,
  pseudoBytes,
  readAll,
} from './live-log.test-support.js';

const HOT_BYTES = 4_096;

/** One batch of a game: a few entries and a committed segment, all from `seed`. */
function batchOf(seed: number): { entries: JournalEntry[]; committed: Uint8Array } {
  return {
    entries: [
      { type: 'writer', writer: seed, name: `player${seed}`, atMs: 1_000 * seed },
      { type: 'extend', branch: 0, bytes: pseudoBytes(2_000, seed), atMs: 1_000 * seed + 1 },
      { type: 'position', writer: seed, branch: 0, length: 2_000 * (seed + 1) },
    ],
    committed: pseudoBytes(700 + seed, 50 + seed),
  };
}

/** Everything committed so far, read without finishing the stream. */
async function committedOf(log: ReplayLog): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const stop = new AbortController();
  let received = 0;
  if (log.canonical.length === 0) return new Uint8Array();
  for await (const chunk of log.canonical.read(0, stop.signal)) {
    chunks.push(chunk.slice());
    received += chunk.length;
    if (received >= log.canonical.length) stop.abort();
  }
  return concat(chunks);
}

async function writeBatch(log: ReplayLog, seed: number): Promise<void> {
  const { entries, committed } = batchOf(seed);
  for (const entry of entries) log.journal(entry);
  log.canonical.append([committed]);
  await log.sync();
}

describe('FileReplayLogStore: recovery', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const logPath = (gameId: bigint): string => join(sandbox.livePath, String(gameId), LOG_FILE_NAME);

  /** Recovers every game with a new store (a restart); returns each game's entries and committed bytes. */
  async function restart() {
    const recovered = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    return Promise.all(
      recovered.map(async ({ log, entries }) => {
        const journal = await collect(entries);
        return { log, gameId: log.gameId, entries: plainEntries(journal), committed: await committedOf(log) };
      }),
    );
  }

  /** What batches `seeds` hold, as recovered games hold it. */
  function expected(seeds: readonly number[]) {
    const batches = seeds.map(batchOf);
    return {
      entries: plainEntries(batches.flatMap((batch) => batch.entries)),
      committed: concat(batches.map((batch) => batch.committed)),
    };
  }

  it('loses only what was not synced when the process dies', async () => {
    const log = sandbox.store().open(1n, { hotBytes: HOT_BYTES });
    await writeBatch(log, 0);
    await writeBatch(log, 1);
    const { entries, committed } = batchOf(2);
    for (const entry of entries) log.journal(entry);
    log.canonical.append([committed]);
    // The process dies here: the old store is never closed before the new one reads.
    const [game] = await restart();
    expect(game?.entries).toEqual(expected([0, 1]).entries);
    expectSameBytes(game?.committed ?? new Uint8Array(), expected([0, 1]).committed);
    expect(sandbox.faults).toEqual([]);
  });

  it('drops a torn last frame (a power cut mid-write), keeps everything before it, and goes on after it', async () => {
    const log = sandbox.store().open(2n, { hotBytes: HOT_BYTES });
    await writeBatch(log, 0);
    const before = (await stat(logPath(2n))).size;
    await writeBatch(log, 1);
    const after = (await stat(logPath(2n))).size;
    for (const cut of [after - 1, before + 9, before + 3]) {
      await truncate(logPath(2n), cut);
      const [game] = await restart();
      expect(game?.entries).toEqual(expected([0]).entries);
      expectSameBytes(game?.committed ?? new Uint8Array(), expected([0]).committed);
      expect((await stat(logPath(2n))).size).toBe(before);
    }
    expect(sandbox.faults).toEqual([]);

    // The recovered log continues the same file.
    const [{ log: recovered } = { log: undefined }] = await collect(
      sandbox.store().recover({ hotBytes: HOT_BYTES }),
    );
    if (recovered === undefined) throw new Error('game 2 not recovered');
    await writeBatch(recovered, 3);
    const [game] = await restart();
    expect(game?.entries).toEqual(expected([0, 3]).entries);
    expectSameBytes(game?.committed ?? new Uint8Array(), expected([0, 3]).committed);
  });

  it('takes zeros after the last frame (space allocated, never written) for a torn write', async () => {
    const log = sandbox.store().open(3n, { hotBytes: HOT_BYTES });
    await writeBatch(log, 0);
    const size = (await stat(logPath(3n))).size;
    await truncate(logPath(3n), size + 10_000);
    const [game] = await restart();
    expect(game?.entries).toEqual(expected([0]).entries);
    expect((await stat(logPath(3n))).size).toBe(size);
    expect(sandbox.faults).toEqual([]);
  });

  it('stops a game at a corrupt frame, reports it, and recovers the other games whole', async () => {
    const store = sandbox.store();
    const [damaged, intact] = [
      store.open(4n, { hotBytes: HOT_BYTES }),
      store.open(5n, { hotBytes: HOT_BYTES }),
    ];
    for (const seed of [0, 1, 2]) {
      await writeBatch(damaged, seed);
      await writeBatch(intact, seed);
    }
    const file = await readFile(logPath(4n));
    const secondFrameBytes = file.indexOf(pseudoBytes(2_000, 1));
    expect(secondFrameBytes).toBeGreaterThan(0);
    file.writeUInt8(file.readUInt8(secondFrameBytes + 100) ^ 0xff, secondFrameBytes + 100);
    await writeFile(logPath(4n), file);

    const games = await restart();
    expect(games.map((game) => game.gameId)).toEqual([4n, 5n]);
    expect(games[0]?.entries).toEqual(expected([0]).entries);
    expectSameBytes(games[0]?.committed ?? new Uint8Array(), expected([0]).committed);
    expect(games[1]?.entries).toEqual(expected([0, 1, 2]).entries);
    expect(sandbox.faults.map(({ gameId, error }) => [gameId, error.fault])).toEqual([[4n, 'corrupt']]);
    expect(sandbox.faults[0]?.error.message).toMatch(/checksum mismatch at byte \d+/);
  });

  it('reads no frame whose stated length is absurd: a corrupt length does not make recovery allocate the file', async () => {
    const log = sandbox.store().open(11n, { hotBytes: HOT_BYTES });
    await writeBatch(log, 0);
    const size = (await stat(logPath(11n))).size;
    await writeBatch(log, 1);
    // A length past the bound that still fits in the (sparse) file, as a bit flip could make it.
    const claimed = 280 * 1024 * 1024;
    await truncate(logPath(11n), size + 300 * 1024 * 1024);
    const handle = await open(logPath(11n), 'r+');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(claimed);
    await handle.write(length, 0, 4, size);
    await handle.close();
    const [game] = await restart();
    expect(game?.entries).toEqual(expected([0]).entries);
    expect(sandbox.faults.map(({ error }) => error.message)).toEqual([
      expect.stringMatching(new RegExp(`a frame of length ${claimed} at byte ${size},`)) as unknown,
    ]);
  });

  it('leaves a file of another format alone and recovers the other games', async () => {
    await writeBatch(sandbox.store().open(7n, { hotBytes: HOT_BYTES }), 0);
    await mkdir(join(sandbox.livePath, '6'));
    await writeFile(logPath(6n), 'not a live log at all');
    await mkdir(join(sandbox.livePath, 'lost+found'));
    await mkdir(join(sandbox.livePath, '0008'));

    const games = await restart();
    expect(games.map((game) => game.gameId)).toEqual([7n]);
    expect(sandbox.faults.map(({ gameId, error }) => [gameId, error.fault])).toEqual([[6n, 'corrupt']]);
    expect(await readFile(logPath(6n), 'utf8')).toBe('not a live log at all');
  });

  it('recovers a game whose directory has no file yet (its process died right after claiming it) as an empty game', async () => {
    await gameOfDeadOwner(sandbox.livePath, 9n);
    const [game] = await restart();
    expect(game?.gameId).toBe(9n);
    expect(game?.entries).toEqual([]);
    expect(game?.log.canonical.length).toBe(0);
    await writeBatch(game?.log as ReplayLog, 0);
    const [again] = await restart();
    expect(again?.entries).toEqual(expected([0]).entries);
    await again?.log.remove();
    expect(await restart()).toEqual([]);
  });

  it('leaves an empty directory without an owner record while it is new (a peer about to claim it), and recovers it once older than the staleness bound', async () => {
    const dir = join(sandbox.livePath, '12');
    await mkdir(dir);
    expect(await restart()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    // A crash of the previous format, before its file, or of this one, before its first claim: long ago.
    await utimes(dir, 0, 0);
    const [game] = await restart();
    expect([game?.gameId, game?.entries]).toEqual([12n, []]);
  });

  it('recovers the committed stream with its segments and hot window, and serves it from any offset', async () => {
    const log = sandbox.store().open(10n, { hotBytes: HOT_BYTES });
    const segments = Array.from({ length: 30 }, (_, i) => pseudoBytes(3_000 + i, 200 + i));
    for (const segment of segments) log.canonical.append([segment]);
    await log.sync();
    const all = concat(segments);
    const [game] = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    const canonical = game?.log.canonical;
    if (canonical === undefined) throw new Error('game 10 not recovered');
    expect([canonical.length, canonical.segmentCount, canonical.segmentOffset(29)]).toEqual([
      all.length,
      30,
      all.length - 3_029,
    ]);
    expectSameBytes(concat(canonical.tail(all.length - HOT_BYTES, all.length)), all.subarray(-HOT_BYTES));
    expectSameBytes((await canonical.segment(3))?.bytes ?? new Uint8Array(), segments[3] as Uint8Array);
    canonical.append([pseudoBytes(10, 1)]);
    canonical.finish();
    for (const from of [0, 1, 3_000, all.length - 5_000, all.length]) {
      expectSameBytes(await readAll(canonical.read(from)), concat([all, pseudoBytes(10, 1)]).subarray(from));
    }
  });
});
