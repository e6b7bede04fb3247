import { BlockPool, leaseCount, releaseBlock } from '@faf-replay/core';
import type { JournalEntry } from '@faf-replay/core';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME } from './live-log-file.js';
import { collect, concat, liveLogSandbox, pseudoBytes, readAll } from './live-log.test-support.js';

const HOT_BYTES = 4096;
const BLOCK = 64 * 1024;

/**
 * The merge hands the log views of its pooled blocks and lets a block go as soon as it discarded
 * its bytes; the pool here poisons every block that comes back, and hands it out again. Whatever
 * the log keeps (the journal batch until written, the recent bytes until trimmed) it must lease,
 * and whatever it gives readers must not be a view of a block it lets go.
 */
describe('the file log and the merge’s pooled blocks', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  it('keeps the bytes it holds after the merge lets go, gives readers lasting copies, and gives every block back', async () => {
    const pool = new BlockPool({ poison: true });
    const log = sandbox.store().open(1n, { hotBytes: HOT_BYTES });
    log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
    log.journal({ type: 'fork', branch: 1, parent: 0, at: 0 });
    const committed: Uint8Array[] = [];
    const forked: Uint8Array[] = [];
    const reader = log.canonical.read(0)[Symbol.asyncIterator]();
    let firstChunk: Uint8Array | undefined;
    let firstSegment: Uint8Array | undefined;
    const blocks: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      // A committed block (appended and journaled as its branch's extends) and a lost branch's block.
      const block = filled(pool, pseudoBytes(BLOCK, i));
      const lost = filled(pool, pseudoBytes(BLOCK, 1_000 + i));
      log.journal({ type: 'extend', branch: 0, bytes: block.subarray(0, 30_000), atMs: i });
      log.journal({ type: 'extend', branch: 0, bytes: block.subarray(30_000), atMs: i });
      log.journal({ type: 'extend', branch: 1, bytes: lost, atMs: i });
      log.canonical.append([block]);
      // The merge discards them: from now on only the log's leases keep them from reuse.
      releaseBlock(block);
      releaseBlock(lost);
      committed.push(pseudoBytes(BLOCK, i));
      forked.push(pseudoBytes(BLOCK, 1_000 + i));
      blocks.push(block);
      if (i === 0) {
        firstChunk = (await reader.next()).value as Uint8Array;
        firstSegment = (await log.canonical.segment(0))?.bytes;
      }
      if (i % 10 === 9) await log.sync();
    }
    await log.sync();
    expect(pool.counts.reused).toBeGreaterThan(20);

    // What a reader and a segment request got early stayed, though their blocks were reused since.
    expectSameBytes(firstChunk ?? new Uint8Array(), committed[0] ?? new Uint8Array());
    expectSameBytes(firstSegment ?? new Uint8Array(), committed[0] ?? new Uint8Array());
    const all = concat(committed);
    expectSameBytes(concat(log.canonical.tail(all.length - HOT_BYTES, all.length)), all.subarray(-HOT_BYTES));
    log.canonical.finish();
    expectSameBytes(await readAll(log.canonical.read(0)), all);
    expectSameBytes(
      (await log.canonical.segment(39))?.bytes ?? new Uint8Array(),
      committed[39] ?? new Uint8Array(),
    );

    // The file holds every byte as it was sent.
    const [recovered] = await collect(sandbox.store().recover({ hotBytes: HOT_BYTES }));
    const entries = await collect(recovered?.entries ?? emptyEntries());
    expectSameBytes(concat(extendsOf(entries, 0)), all);
    expectSameBytes(concat(extendsOf(entries, 1)), concat(forked));
    await recovered?.log.close();

    // Written and trimmed: every block but the last segment's is back in the pool.
    const last = blocks.at(-1) ?? new Uint8Array();
    expect(blocks.filter((block) => block !== last && (leaseCount(block) ?? 0) > 0)).toEqual([]);
    expect(leaseCount(last)).toBe(1);
    await reader.return?.();
    await log.close();
  });

  it('on a full disk keeps what waits to be written, and lets the journal’s blocks go when it gives up', async () => {
    // The log file is /dev/full: every write fails with a real ENOSPC, and is retried.
    await mkdir(join(sandbox.livePath, '2'));
    await symlink('/dev/full', join(sandbox.livePath, '2', LOG_FILE_NAME));
    const pool = new BlockPool({ poison: true });
    const log = sandbox.store({ maxUnflushedBytes: 512 * 1024 }).open(2n, { hotBytes: HOT_BYTES });
    log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
    const extended: Uint8Array[] = [];
    const retry = async (): Promise<void> => {
      await expect(log.sync()).rejects.toMatchObject({ name: 'LiveLogError' });
    };
    for (let i = 0; i < 12; i++) {
      const block = filled(pool, pseudoBytes(16 * 1024, i));
      const journaled = filled(pool, pseudoBytes(16 * 1024, 500 + i));
      log.journal({ type: 'extend', branch: 0, bytes: journaled, atMs: i });
      log.canonical.append([block]);
      releaseBlock(block);
      releaseBlock(journaled);
      extended.push(journaled);
      if (i % 4 === 3) await retry();
    }
    // Still retrying: the journal's blocks and the unwritten canonical ones are all leased.
    expect(extended.map((block) => leaseCount(block))).toEqual(extended.map(() => 1));
    // More than the bound waits: the log gives up inside one of these calls, with extends in its batch.
    // (The canonical bytes are plain arrays now: only the journal's blocks are leased.)
    for (let i = 12; i < 24; i++) {
      const journaled = filled(pool, pseudoBytes(16 * 1024, 500 + i));
      log.journal({ type: 'extend', branch: 0, bytes: journaled, atMs: i });
      releaseBlock(journaled);
      extended.push(journaled);
      log.canonical.append([pseudoBytes(16 * 1024, i)]);
    }
    await retry();
    expect(sandbox.faults.map(({ error }) => error.fault)).toEqual(['io', 'dropped']);
    // Given up: the journal's leases ended; the canonical stream stays in memory for readers.
    expect(extended.filter((block) => (leaseCount(block) ?? 0) > 0)).toEqual([]);
    const sent = concat(Array.from({ length: 24 }, (_, i) => pseudoBytes(16 * 1024, i)));
    log.canonical.finish();
    expectSameBytes(await readAll(log.canonical.read(0)), sent);
    await log.remove();
  });
});

function filled(pool: BlockPool, bytes: Uint8Array): Uint8Array {
  const block = pool.take(bytes.length);
  block.set(bytes);
  return block;
}

function extendsOf(entries: readonly JournalEntry[], branch: number): Uint8Array[] {
  return entries.flatMap((entry) =>
    entry.type === 'extend' && entry.branch === branch ? [entry.bytes] : [],
  );
}

async function* emptyEntries(): AsyncIterable<JournalEntry> {
  // A game that was not recovered has no entries.
}
