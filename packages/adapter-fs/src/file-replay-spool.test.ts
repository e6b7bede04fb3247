import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinishedReplay } from '@faf-replay/core';
import { SpoolError } from '@faf-replay/core';
import { divergingStreams, firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileReplaySpool } from './file-replay-spool.js';
import { IoTimeoutError } from './io-watchdog.js';
import { readFafReplay } from './read-faf-replay.js';
import { SPOOL_READ_CHUNK_BYTES } from './read-spool-file.js';
import { encodeSpoolDescription } from './spool-record.js';
import { finishedReplayOf, makeTempDir, stalledFifo, streamOf, until } from './testing/index.js';

const example = fixture(fixtureFacts.example.file);

async function expectSameReplay(
  actual: FinishedReplay | undefined,
  expected: FinishedReplay | undefined,
): Promise<void> {
  if (actual === undefined || expected === undefined) throw new Error('a replay is missing');
  expect(actual.gameId).toBe(expected.gameId);
  expect(actual.ticks).toBe(expected.ticks);
  expect(actual.bodyLength).toBe(expected.bodyLength);
  expect(firstDifference(actual.scfaHeader, expected.scfaHeader)).toBe(-1);
  expect(firstDifference(await streamOf(actual), await streamOf(expected))).toBe(-1);
  expect(actual.metadata).toEqual(expected.metadata);
  expect([...actual.metadata.teams]).toEqual([...expected.metadata.teams]);
  expect([...actual.metadata.featuredModVersions]).toEqual([...expected.metadata.featuredModVersions]);
}

describe('FileReplaySpool', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let spoolDir: string;
  let clockMs: number;
  const spool = () => new FileReplaySpool({ spoolDir, now: () => clockMs });
  beforeEach(async () => {
    temp = await makeTempDir();
    spoolDir = join(temp.path, 'spool');
    clockMs = 1_700_000_000_000;
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('keeps, lists byte-exact with Maps preserved, and releases', async () => {
    const replay = finishedReplayOf(2000n, example, {
      headerBytes: fixtureFacts.example.headerBytes,
      ticks: fixtureFacts.example.ticks,
      metadata: {
        teams: new Map([
          ['2', ['b', 'Żółw']],
          ['10', ['a']],
          ['null', []],
        ]),
        featuredModVersions: new Map([['43', 3656]]),
        featuredMod: null,
      },
    });
    await spool().keep(replay);
    const listed = await spool().list();
    expect(listed).toHaveLength(1);
    await expectSameReplay(listed[0], replay);
    await spool().release(2000n);
    expect(await spool().list()).toEqual([]);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('survives a restart: a new instance lists what the old one kept, oldest first', async () => {
    const replays = divergingStreams()
      .slice(0, 3)
      .map((stream, i) =>
        finishedReplayOf(BigInt(10 - i), stream, {
          headerBytes: fixtureFacts.diverging.headerBytes,
          ticks: null,
        }),
      );
    const before = spool();
    for (const replay of replays) {
      await before.keep(replay);
      clockMs += 1000;
    }
    const listed = await spool().list();
    expect(listed.map((r) => r.gameId)).toEqual([10n, 9n, 8n]);
    for (const [i, replay] of listed.entries()) await expectSameReplay(replay, replays[i]);
  });

  it('orders replays kept in the same millisecond by game id', async () => {
    for (const id of [30n, 2n ** 64n - 1n, 4n]) {
      await spool().keep(
        finishedReplayOf(id, example, { headerBytes: 10, metadata: { origin: 'scfa-header' } }),
      );
    }
    expect((await spool().list()).map((r) => r.gameId)).toEqual([4n, 30n, 2n ** 64n - 1n]);
  });

  it('keeps a game again by replacing its file with a replay at least as long', async () => {
    await spool().keep(finishedReplayOf(7n, example.subarray(0, 5000), { headerBytes: 100 }));
    const longer = finishedReplayOf(7n, example, { headerBytes: 200, ticks: 3 });
    expect(await spool().keep(longer)).toEqual({ kind: 'kept' });
    const listed = await spool().list();
    expect(listed).toHaveLength(1);
    await expectSameReplay(listed[0], longer);
  });

  it('never replaces a kept replay with a shorter one of the same game', async () => {
    const whole = finishedReplayOf(7n, example, { headerBytes: 1966, ticks: 1928 });
    await spool().keep(whole);
    const headerOnly = finishedReplayOf(7n, example.subarray(0, 1966), { headerBytes: 1966 });
    expect(await spool().keep(headerOnly)).toEqual({
      kind: 'longer-already-kept',
      keptBytes: example.length,
    });
    await expectSameReplay((await spool().list())[0], whole);
  });

  it('reports corrupt files apart and leaves them in place', async () => {
    const good = finishedReplayOf(5n, example, { headerBytes: 100 });
    await spool().keep(good);
    const kept = await readFile(join(spoolDir, '5.spool'));
    await writeFile(join(spoolDir, '6.spool'), kept.subarray(0, kept.length - 1));
    await writeFile(join(spoolDir, '7.spool'), 'not a spool file');
    await writeFile(join(spoolDir, '.8.spool.abc.tmp'), 'a crashed keep');
    const scan = await spool().scan();
    expect(scan.replays.map((r) => r.gameId)).toEqual([5n]);
    expect(scan.unreadable.map((u) => u.path).sort()).toEqual([
      join(spoolDir, '6.spool'),
      join(spoolDir, '7.spool'),
    ]);
    expect(scan.unreadable.every((u) => u.error instanceof Error)).toBe(true);
    expect((await spool().list()).map((r) => r.gameId)).toEqual([5n]);
    expect((await readdir(spoolDir)).sort()).toEqual(['.8.spool.abc.tmp', '5.spool', '6.spool', '7.spool']);
  });

  it('lists a spool file over 2 GiB from its first line, and streams its body in bounded chunks', async () => {
    const bigBodyBytes = 2 ** 31 + 12_345;
    const big = { ...finishedReplayOf(22n, example, { headerBytes: 1966 }), bodyLength: bigBodyBytes };
    const line = encodeSpoolDescription(big, clockMs);
    await mkdir(spoolDir, { recursive: true });
    const bigPath = join(spoolDir, '22.spool');
    await writeFile(bigPath, Buffer.concat([line, big.scfaHeader]));
    await truncate(bigPath, line.length + big.scfaHeader.length + bigBodyBytes);
    const vault = (await readFafReplay(fixture(fixtureFacts.vault.file))).replay;
    await spool().keep(finishedReplayOf(21n, vault, { headerBytes: fixtureFacts.vault.headerBytes }));

    const listed = await spool().list();
    expect(listed.map((r) => [r.gameId, r.bodyLength])).toEqual([
      [21n, vault.length - fixtureFacts.vault.headerBytes],
      [22n, bigBodyBytes],
    ]);
    const chunkSizes: number[] = [];
    for await (const chunk of listed[1]?.body() ?? []) {
      chunkSizes.push(chunk.length);
      if (chunkSizes.length === 3) break;
    }
    expect(chunkSizes).toEqual([SPOOL_READ_CHUNK_BYTES, SPOOL_READ_CHUNK_BYTES, SPOOL_READ_CHUNK_BYTES]);
    const read: Uint8Array[] = [listed[0]?.scfaHeader ?? new Uint8Array()];
    for await (const chunk of listed[0]?.body() ?? []) read.push(chunk);
    expect(Math.max(...read.slice(1).map((chunk) => chunk.length))).toBe(SPOOL_READ_CHUNK_BYTES);
    expect(firstDifference(Buffer.concat(read), vault)).toBe(-1);
  });

  it('reports a FIFO planted in the spool as unreadable without blocking on it', async () => {
    await spool().keep(finishedReplayOf(5n, example, { headerBytes: 100 }));
    const fifo = await stalledFifo(join(spoolDir, '6.spool'));
    try {
      const scan = await spool().scan();
      expect(scan.replays.map((r) => r.gameId)).toEqual([5n]);
      expect(scan.unreadable.map((u) => u.path)).toEqual([fifo.path]);
    } finally {
      await fifo.release();
    }
  });

  it('fails a keep whose body stalls with a SpoolError after its I/O timeout, and keeps nothing', async () => {
    const fifo = await stalledFifo(join(temp.path, 'stalled'));
    const stalled = {
      ...finishedReplayOf(9n, example, { headerBytes: 100 }),
      body: () => createReadStream(fifo.path),
    };
    const error: unknown = await new FileReplaySpool({ spoolDir, ioTimeoutMs: 200 })
      .keep(stalled)
      .catch((e: unknown) => e);
    await fifo.release();
    expect(error).toBeInstanceOf(SpoolError);
    expect((error as SpoolError).cause).toBeInstanceOf(IoTimeoutError);
    await until(async () => (await readdir(spoolDir)).length === 0, 'the temp file to be removed');
  });

  it('fails to read a listed body whose file was replaced since', async () => {
    await spool().keep(finishedReplayOf(8n, example.subarray(0, 5000), { headerBytes: 100 }));
    const [listed] = await spool().list();
    await spool().keep(finishedReplayOf(8n, example, { headerBytes: 100 }));
    if (listed === undefined) throw new Error('nothing listed');
    await expect(streamOf(listed)).rejects.toThrow(/changed since the spool was listed/);
  });

  it('lists nothing before anything was kept, and releases idempotently', async () => {
    expect(await spool().list()).toEqual([]);
    await spool().release(1n);
    await spool().keep(finishedReplayOf(1n, example, { headerBytes: 100 }));
    await spool().release(1n);
    await spool().release(1n);
    expect(await spool().list()).toEqual([]);
  });

  it('throws a SpoolError and leaves no temp file when it cannot write', async () => {
    await writeFile(join(temp.path, 'file'), '');
    const blocked = new FileReplaySpool({ spoolDir: join(temp.path, 'file', 'spool') });
    const error: unknown = await blocked
      .keep(finishedReplayOf(1n, example, { headerBytes: 100 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpoolError);
    expect((error as SpoolError).cause).toMatchObject({ code: 'ENOTDIR' });
    await expect(blocked.list()).rejects.toBeInstanceOf(SpoolError);
    expect(await readdir(temp.path)).toEqual(['file']);
  });
});
