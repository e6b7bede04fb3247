import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { mkdir, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveLogError } from './live-log-error.js';
import { LOG_FILE_NAME } from './live-log-file.js';
import { concat, liveLogSandbox, pseudoBytes, readAll } from './live-log.test-support.js';

const HOT_BYTES = 4_096;

describe('FileReplayLogStore: a full disk', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  /** Game `gameId`'s log file is /dev/full: every write fails with a real ENOSPC. */
  async function onFullDisk(gameId: bigint): Promise<void> {
    await mkdir(join(sandbox.livePath, String(gameId)));
    await symlink('/dev/full', join(sandbox.livePath, String(gameId), LOG_FILE_NAME));
  }

  it('lets the game go on in memory, rejects sync, and reports once however often the tick retries', async () => {
    await onFullDisk(1n);
    const store = sandbox.store({ fsyncIntervalMs: 5 });
    const log = store.open(1n, { hotBytes: HOT_BYTES });
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      log.journal({ type: 'extend', branch: 0, bytes: pseudoBytes(1_000, i), atMs: i });
      parts.push(pseudoBytes(20_000, 100 + i));
      log.canonical.append([parts[i] as Uint8Array]);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(log.sync()).rejects.toMatchObject({
        name: 'LiveLogError',
        fault: 'io',
        cause: { code: 'ENOSPC' },
      });
    }
    await store.flush();
    expect(sandbox.faults.map(({ gameId, error }) => [gameId, error.fault])).toEqual([[1n, 'io']]);
    expect(store.openLogs).toBe(1);

    log.canonical.finish();
    expectSameBytes(await readAll(log.canonical.read(0)), concat(parts));
    expectSameBytes(await readAll(log.canonical.read(500_000)), concat(parts).subarray(500_000));
    await log.remove();
    await expect(stat(join(sandbox.livePath, '1'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives the journal up once the unwritten bytes pass their bound, keeping the canonical stream for readers', async () => {
    await onFullDisk(2n);
    const store = sandbox.store({ maxUnflushedBytes: 256 * 1024 });
    const log = store.open(2n, { hotBytes: HOT_BYTES });
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 30; i++) {
      log.journal({ type: 'extend', branch: 0, bytes: pseudoBytes(10_000, i), atMs: i });
      parts.push(pseudoBytes(10_000, 100 + i));
      log.canonical.append([parts[i] as Uint8Array]);
      if (i === 0) await expect(log.sync()).rejects.toMatchObject({ fault: 'io' });
    }
    await expect(log.sync()).rejects.toMatchObject({ fault: 'dropped' });
    expect(sandbox.faults.map(({ error }) => error.fault)).toEqual(['io', 'dropped']);
    expect(sandbox.faults[1]?.error.cause).toBeInstanceOf(LiveLogError);
    expect(store.openLogs).toBe(0);

    // Appends go on after the drop; readers get everything from memory.
    parts.push(pseudoBytes(5, 999));
    log.canonical.append([parts[30] as Uint8Array]);
    log.canonical.finish();
    expectSameBytes(await readAll(log.canonical.read(0)), concat(parts));
    await log.remove();
  });

  it('gives the journal up at once on a fault that cannot heal, and never throws to the game', async () => {
    await mkdir(join(sandbox.livePath, '3'));
    await symlink('/dev/null/impossible', join(sandbox.livePath, '3', LOG_FILE_NAME));
    const store = sandbox.store();
    const log = store.open(3n, { hotBytes: HOT_BYTES });
    log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
    log.canonical.append([pseudoBytes(100, 3)]);
    await expect(log.sync()).rejects.toMatchObject({ fault: 'dropped', cause: { fault: 'io' } });
    log.journal({ type: 'left', writer: 0, atMs: 1 });
    log.canonical.append([pseudoBytes(100, 4)]);
    log.canonical.finish();
    expect((await readAll(log.canonical.read(0))).length).toBe(200);
    expect(sandbox.faults.map(({ error }) => error.fault)).toEqual(['dropped']);
    await log.close();
  });

  it('gives the journal up, without throwing, when an entry cannot be encoded (a bug in the caller)', async () => {
    const store = sandbox.store();
    const log = store.open(4n, { hotBytes: HOT_BYTES });
    log.journal({ type: 'position', writer: 0, branch: -1, length: 0 });
    log.canonical.append([pseudoBytes(10, 4)]);
    await expect(log.sync()).rejects.toMatchObject({ fault: 'dropped', cause: { fault: 'usage' } });
    log.journal({ type: 'left', writer: 0, atMs: 1 });
    expect(sandbox.faults.map(({ error }) => error.fault)).toEqual(['dropped']);
    await log.remove();
  });
});
