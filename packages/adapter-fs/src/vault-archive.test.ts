import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArchiveError } from '@faf-replay/core';
import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJsonHeader } from './encode-json-header.js';
import { readFafReplay } from './read-faf-replay.js';
import { IoTimeoutError } from './io-watchdog.js';
import { eventLoopTurnsDuring, finishedReplayOf, makeTempDir, stalledFifo, until } from './testing/index.js';
import { VaultArchive } from './vault-archive.js';
import { vaultReplayPath } from './vault-replay-path.js';

const example = fixture(fixtureFacts.example.file);
const replayOf = (gameId: bigint) =>
  finishedReplayOf(gameId, example, { headerBytes: fixtureFacts.example.headerBytes });

describe('VaultArchive', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let vaultRoot: string;
  beforeEach(async () => {
    temp = await makeTempDir();
    vaultRoot = join(temp.path, 'vault');
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('saves a file that decompresses to header and body, under the vault layout', async () => {
    const archive = new VaultArchive({ vaultRoot, compressionLevel: 3 });
    const outcome = await archive.save(replayOf(1_123_456_789n));
    const location = join(vaultRoot, '11/23/45/67/1123456789.fafreplay');
    expect(outcome).toEqual({ kind: 'archived', location });
    const file = await readFafReplay(await readFile(location));
    expect(file.jsonLine).toBe(encodeJsonHeader(replayOf(1_123_456_789n).metadata));
    expect(file.json).toMatchObject({ uid: 1_123_456_789, version: 2, compression: 'zstd' });
    expect(firstDifference(file.replay, example)).toBe(-1);
    expect((await stat(location)).mode & 0o777).toBe(0o644);
    expect(await readdir(dirname(location))).toEqual(['1123456789.fafreplay']);
  });

  it('tells whether a game is in the vault', async () => {
    const archive = new VaultArchive({ vaultRoot });
    expect(await archive.contains(2000n)).toBe(false);
    await archive.save(replayOf(2000n));
    expect(await archive.contains(2000n)).toBe(true);
    expect(await archive.contains(2001n)).toBe(false);
  });

  it('never replaces an existing file', async () => {
    const location = vaultReplayPath(vaultRoot, 2000n);
    await mkdir(dirname(location), { recursive: true });
    await writeFile(location, 'an older replay');
    const outcome = await new VaultArchive({ vaultRoot }).save(replayOf(2000n));
    expect(outcome).toEqual({ kind: 'already-archived', location });
    expect(await readFile(location, 'utf8')).toBe('an older replay');
  });

  it('saves exactly once when two saves of one game race', async () => {
    const archive = new VaultArchive({ vaultRoot, compressionLevel: 1 });
    const outcomes = await Promise.all([archive.save(replayOf(2000n)), archive.save(replayOf(2000n))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already-archived', 'archived']);
    const location = vaultReplayPath(vaultRoot, 2000n);
    expect(firstDifference((await readFafReplay(await readFile(location))).replay, example)).toBe(-1);
    expect(await readdir(dirname(location))).toEqual(['2000.fafreplay']);
  });

  it('throws an ArchiveError and leaves nothing when the vault is below a regular file', async () => {
    await writeFile(join(temp.path, 'not-a-dir'), '');
    const archive = new VaultArchive({ vaultRoot: join(temp.path, 'not-a-dir', 'vault') });
    const error: unknown = await archive.save(replayOf(2000n)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).cause).toMatchObject({ code: 'ENOTDIR' });
    await expect(archive.contains(2000n)).rejects.toBeInstanceOf(ArchiveError);
    expect(await readdir(temp.path)).toEqual(['not-a-dir']);
  });

  it('throws an ArchiveError and leaves no temp file in a vault it cannot write', async () => {
    const expectedCode = await blockWrites(dirname(vaultReplayPath(vaultRoot, 2000n)));
    const entriesBefore = await readdir(vaultRoot, { recursive: true });
    const error: unknown = await new VaultArchive({ vaultRoot })
      .save(replayOf(2000n))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).cause).toMatchObject({ code: expectedCode });
    expect(await readdir(vaultRoot, { recursive: true })).toEqual(entriesBefore);
  });

  it('saves what the Python storage test expects: its JSON fields, and header + body', async () => {
    const header = example.subarray(0, fixtureFacts.example.headerBytes);
    const teams = new Map([
      ['1', ['user1']],
      ['2', ['user2']],
    ]);
    const bar = { body: () => Readable.from([Buffer.from('bar')]), bodyLength: 3 };
    const replay = { ...replayOf(1111n), scfaHeader: header, ...bar };
    await new VaultArchive({ vaultRoot }).save({ ...replay, metadata: { ...replay.metadata, teams } });
    const file = await readFafReplay(await readFile(vaultReplayPath(vaultRoot, 1111n)));
    expect(file.json).toMatchObject({
      uid: 1111,
      teams: { 1: ['user1'], 2: ['user2'] },
      version: 2,
      compression: 'zstd',
    });
    expect(firstDifference(file.replay, Buffer.concat([header, Buffer.from('bar')]))).toBe(-1);
  });

  it('refuses a replay without a header, like the Python server', async () => {
    const headerless = { ...replayOf(2000n), scfaHeader: new Uint8Array(0) };
    await expect(new VaultArchive({ vaultRoot }).save(headerless)).rejects.toBeInstanceOf(ArchiveError);
    await expect(new VaultArchive({ vaultRoot }).contains(2000n)).resolves.toBe(false);
  });

  it('refuses metadata of another game', async () => {
    const mixed = { ...replayOf(2000n), metadata: replayOf(2001n).metadata };
    await expect(new VaultArchive({ vaultRoot }).save(mixed)).rejects.toBeInstanceOf(ArchiveError);
    await expect(new VaultArchive({ vaultRoot }).contains(2000n)).resolves.toBe(false);
  });

  it('fails with an ArchiveError when the save stalls for its I/O timeout, and cleans up once it ends', async () => {
    const fifo = await stalledFifo(join(temp.path, 'stalled'));
    const stalled = { ...replayOf(2000n), body: () => createReadStream(fifo.path) };
    const archive = new VaultArchive({ vaultRoot, ioTimeoutMs: 200 });
    const startedMs = performance.now();
    const error: unknown = await archive.save(stalled).catch((e: unknown) => e);
    const failedAfterMs = performance.now() - startedMs;
    await fifo.release();
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).cause).toBeInstanceOf(IoTimeoutError);
    expect(failedAfterMs).toBeLessThan(5_000);
    const dir = dirname(vaultReplayPath(vaultRoot, 2000n));
    await until(async () => (await readdir(dir)).length === 0, 'the temp file to be removed');
    expect(await archive.save(replayOf(2000n))).toMatchObject({ kind: 'archived' });
  });

  it('streams at most maxConcurrentSaves bodies at once', async () => {
    const started: bigint[] = [];
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gated = (gameId: bigint) => {
      const replay = replayOf(gameId);
      return {
        ...replay,
        body: async function* () {
          started.push(gameId);
          await gate;
          yield* replay.body();
        },
      };
    };
    const archive = new VaultArchive({ vaultRoot, compressionLevel: 1, maxConcurrentSaves: 1 });
    const saves = [archive.save(gated(1n)), archive.save(gated(2n))];
    await until(
      () => Promise.resolve(started.length === 1 && archive.savesWaiting === 1),
      'the first save to stream and the second to queue',
    );
    expect({ running: archive.savesRunning, started }).toEqual({ running: 1, started: [1n] });
    openGate();
    expect((await Promise.all(saves)).map((outcome) => outcome.kind)).toEqual(['archived', 'archived']);
    expect(started).toEqual([1n, 2n]);
  });

  it('never shows a partial file at the final path', async () => {
    const stream = (await readFafReplay(fixture(fixtureFacts.vault.file))).replay;
    const replay = finishedReplayOf(8_653_680n, stream, { headerBytes: fixtureFacts.vault.headerBytes });
    const location = vaultReplayPath(vaultRoot, 8_653_680n);
    const seenSizes = new Set<number>();
    const polls = await eventLoopTurnsDuring(new VaultArchive({ vaultRoot }).save(replay), async () => {
      const size = await stat(location).then(
        (s) => s.size,
        () => -1,
      );
      if (size >= 0) seenSizes.add(size);
    });
    const saved = await readFile(location);
    expect(polls).toBeGreaterThan(10);
    expect([...seenSizes].filter((size) => size !== saved.length)).toEqual([]);
    expect(firstDifference((await readFafReplay(saved)).replay, stream)).toBe(-1);
  });
});

/**
 * Makes `dir` unwritable for real and returns the error code a write there gives. chmod 0555 does
 * not stop root (tests may run as root): then a regular file takes the directory's place.
 */
async function blockWrites(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o555);
  const probe = join(dir, 'probe');
  const writable = await writeFile(probe, '').then(
    () => true,
    () => false,
  );
  if (!writable) return 'EACCES';
  await rm(dir, { recursive: true });
  await writeFile(dir, '');
  return 'ENOTDIR';
}
