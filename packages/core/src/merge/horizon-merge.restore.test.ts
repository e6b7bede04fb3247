import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryCanonicalLog } from '../log/memory-replay-log.js';
import type { JournalEntry } from '../ports/replay-log.js';
import { HorizonMerge } from './horizon-merge.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Live JS heap plus array buffers after a full collection: what the process really holds. */
function heldBytes(): number {
  collectGarbage();
  collectGarbage();
  return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

const MiB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const header = new TextEncoder().encode('a recovered header\0');

/** The body byte at `offset` of branch 0 (branch 1, which lost, differs everywhere). */
const bodyByte = (offset: number, branch = 0): number => (offset * 7 + (offset >>> 16) + branch * 101) & 0xff;

function bodyBytes(from: number, to: number, branch = 0): Uint8Array {
  const bytes = new Uint8Array(to - from);
  for (let i = 0; i < bytes.length; i++) bytes[i] = bodyByte(from + i, branch);
  return bytes;
}

/**
 * The journal of a game of two writers, written as the merge writes it: they agreed on branch 0
 * up to `totalBytes`, except a branch 1 that forked at 1000 and lost. A fresh array per extend:
 * the entries' bytes are only valid during the call, as a file's would be.
 */
async function* journalOf(totalBytes: number, decidedBodyBytes: number): AsyncIterable<JournalEntry> {
  await Promise.resolve();
  yield { type: 'fork', branch: 0, parent: null, at: 0 };
  for (const writer of [0, 1]) {
    yield { type: 'writer', writer, name: `player${writer}`, atMs: 0 };
    yield { type: 'header', writer, bytes: header, atMs: 0 };
  }
  yield { type: 'extend', branch: 0, bytes: bodyBytes(0, 1_000), atMs: 1 };
  yield { type: 'fork', branch: 1, parent: 0, at: 1_000 };
  yield { type: 'extend', branch: 1, bytes: bodyBytes(1_000, 2 * CHUNK_BYTES, 1), atMs: 2 };
  for (let at = 1_000; at < totalBytes; at += CHUNK_BYTES) {
    const to = Math.min(totalBytes, at + CHUNK_BYTES);
    yield { type: 'extend', branch: 0, bytes: bodyBytes(at, to), atMs: 3 + at / CHUNK_BYTES };
    yield { type: 'position', writer: 0, branch: 0, length: to };
  }
  yield { type: 'position', writer: 1, branch: 1, length: 2 * CHUNK_BYTES };
  yield { type: 'decided', branch: 0, bodyLength: decidedBodyBytes };
  for (const writer of [0, 1]) yield { type: 'left', writer, atMs: 10_000 };
}

describe('HorizonMerge.restore', () => {
  it('holds only the undecided bytes of a recovered game, not its whole body', async () => {
    const decidedBodyBytes = 48 * MiB + 123;
    const totalBytes = decidedBodyBytes + 5_000;
    const canonical = new MemoryCanonicalLog();
    canonical.append([header]);
    canonical.append([bodyBytes(0, decidedBodyBytes)]);
    const merge = new HorizonMerge(
      { delayMs: 1_000, coalesceMs: 50, comparisonDistanceBytes: 4_096 },
      { canonical, journal: () => undefined },
    );

    const before = heldBytes();
    await merge.restore(journalOf(totalBytes, decidedBodyBytes), canonical);
    const growthBytes = heldBytes() - before;
    // Replaying every extend into the tree held the whole 48 MiB body (and up to twice that).
    expect(growthBytes).toBeLessThan(4 * MiB);

    expect([merge.header, merge.decidedBodyLength]).toEqual([header, decidedBodyBytes]);
    merge.decideAll();
    expect(merge.decidedBodyLength).toBe(totalBytes);
    const committedTail = Buffer.concat(canonical.tail(header.length + decidedBodyBytes, canonical.length));
    expect(committedTail.equals(bodyBytes(decidedBodyBytes, totalBytes))).toBe(true);
  });

  it('keeps a branch that forked above the decided length, and decides between it and the root', async () => {
    const canonical = new MemoryCanonicalLog();
    canonical.append([header]);
    canonical.append([bodyBytes(0, 3_000)]);
    const merge = new HorizonMerge(
      { delayMs: 1_000, coalesceMs: 50, comparisonDistanceBytes: 4_096 },
      { canonical, journal: () => undefined },
    );
    const other = bodyBytes(3_500, 4_500, 1);
    async function* journal(): AsyncIterable<JournalEntry> {
      await Promise.resolve();
      yield { type: 'fork', branch: 0, parent: null, at: 0 };
      for (const writer of [0, 1, 2]) yield { type: 'writer', writer, name: `p${writer}`, atMs: 0 };
      yield { type: 'extend', branch: 0, bytes: bodyBytes(0, 4_000), atMs: 1 };
      yield { type: 'fork', branch: 1, parent: 0, at: 3_500 };
      yield { type: 'extend', branch: 1, bytes: other, atMs: 2 };
      yield { type: 'position', writer: 0, branch: 0, length: 4_000 };
      for (const writer of [1, 2]) yield { type: 'position', writer, branch: 1, length: 4_500 };
      yield { type: 'decided', branch: 0, bodyLength: 3_000 };
    }
    await merge.restore(journal(), canonical);
    merge.decideAll();
    // Two writers against one from 3500 on: branch 1 wins.
    const body = Buffer.concat(canonical.tail(header.length + 2_000, canonical.length));
    expect(body.equals(Buffer.concat([bodyBytes(2_000, 3_500), other]))).toBe(true);
  });
});
