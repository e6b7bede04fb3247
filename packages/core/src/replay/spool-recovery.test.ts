import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { SpoolError } from '../errors.js';
import type { FinishedReplay } from '../ports/replay-archive.js';
import { scfaHeaderMetadata } from '../metadata/index.js';
import {
  bodyOfChunks,
  concatBytes,
  InMemoryArchive,
  InMemorySpool,
  InMemoryStatsSink,
  ManualClock,
  RecordingEvents,
  RecordingLogger,
} from '../testing/index.js';
import { SpoolRecovery } from './spool-recovery.js';

const example = fixture(fixtureFacts.example.file);
const scfaHeader = example.subarray(0, fixtureFacts.example.headerBytes);
const body = example.subarray(fixtureFacts.example.headerBytes);

function spooled(gameId: bigint): FinishedReplay {
  const facts = { gameId, scfaHeader, startedAtMs: 0, endedAtMs: 0, firstWriterName: '' };
  return { gameId, metadata: scfaHeaderMetadata(facts), scfaHeader, ...bodyOfChunks([body]), ticks: 1_928 };
}

function recoveryOf(spool: InMemorySpool) {
  const h = { archive: new InMemoryArchive(), stats: new InMemoryStatsSink(), clock: new ManualClock() };
  const recovery = new SpoolRecovery({
    ...h,
    spool,
    events: new RecordingEvents(),
    logger: new RecordingLogger(),
  });
  return { ...h, recovery };
}

describe('SpoolRecovery', () => {
  it('archives the other spooled replays when one body cannot be read', async () => {
    const spool = new InMemorySpool();
    await spool.keep(spooled(1n));
    await spool.keep({
      ...spooled(2n),
      body: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new SpoolError('EIO reading 2.spool')) }),
      }),
    });
    await spool.keep(spooled(3n));
    const h = recoveryOf(spool);
    expect(await h.recovery.recoverOnce()).toBe(1);
    expect([...h.archive.replays.keys()]).toEqual([1n, 3n]);
    expect(firstDifference(concatBytes(h.archive.replays.get(3n)?.body ?? []), body)).toBe(-1);
    expect([...spool.kept.keys()]).toEqual([2n]);
    expect(h.stats.latest(3n)).toEqual({ ticks: 1_928, available: true });
  });
});
