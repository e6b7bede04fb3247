import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { ArchiveError } from '../errors.js';
import type { FinishedReplay } from '../ports/replay-archive.js';
import { ScfaHeaderMetadataSource } from '../metadata/index.js';
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
import type { ReplayToSave } from './replay-saver.js';
import { ReplaySaver } from './replay-saver.js';

const example = fixture(fixtureFacts.example.file);
const exampleHeader = example.subarray(0, fixtureFacts.example.headerBytes);
const exampleBody = example.subarray(fixtureFacts.example.headerBytes);

function toSave(gameId: bigint, overrides: Partial<ReplayToSave> = {}): ReplayToSave {
  const chunks = [exampleBody.subarray(0, 10_000), exampleBody.subarray(10_000)];
  return {
    facts: { gameId, startedAtMs: 0, endedAtMs: 60_000, firstWriterName: 'P.SCFAreplay' },
    scfaHeader: exampleHeader,
    ...bodyOfChunks(chunks),
    ticks: fixtureFacts.example.ticks,
    ...overrides,
  };
}

/** A saver wired to in-memory fakes (retry 1 s doubling up to 8 s). */
function saverHarness() {
  const h = {
    clock: new ManualClock(),
    archive: new InMemoryArchive(),
    spool: new InMemorySpool(),
    stats: new InMemoryStatsSink(),
    events: new RecordingEvents(),
    logger: new RecordingLogger(),
    shutdown: new AbortController(),
  };
  const metadata = new ScfaHeaderMetadataSource();
  const saver = new ReplaySaver(
    { ...h, metadata, fallbackMetadata: metadata },
    { initialMs: 1_000, maxMs: 8_000 },
  );
  const save = (replay: ReplayToSave) => saver.save(replay, h.shutdown.signal, h.logger);
  return { ...h, saver, save };
}

describe('ReplaySaver', () => {
  it('archives the body it is given, with the ticks it is given', async () => {
    const h = saverHarness();
    expect(await h.save(toSave(1n, { ticks: 42 }))).toEqual({
      result: 'archived',
      location: 'memory:1',
      metadataOrigin: 'scfa-header',
      stats: 'recorded',
    });
    const saved = h.archive.replays.get(1n);
    expect(saved?.ticks).toBe(42);
    expect(firstDifference(concatBytes(saved?.body ?? []), exampleBody)).toBe(-1);
    expect(h.stats.latest(1n)).toEqual({ ticks: 42, available: true });
  });

  it('reads the body from its start again on a retry after a partial read', async () => {
    // TIMELINE (retry 1 s): the first attempt fails halfway through the body, the second at t=1 saves
    const h = saverHarness();
    const streamed = new InMemoryArchive();
    let attempts = 0;
    h.archive.save = async (replay: FinishedReplay) => {
      if (++attempts > 1) return streamed.save(replay);
      for await (const chunk of replay.body())
        throw new ArchiveError(`disk full after ${chunk.length} bytes`);
      throw new Error('unreachable: the body has chunks');
    };
    const saving = h.save(toSave(2n));
    await h.clock.advance(1_000);
    expect((await saving).result).toBe('archived');
    expect(firstDifference(concatBytes(streamed.replays.get(2n)?.body ?? []), exampleBody)).toBe(-1);
  });

  it('keeps a replay that neither the vault nor the spool takes, and retries both until one does', async () => {
    // TIMELINE (retry 1 s doubling to 8 s): shutdown at t=0 with the vault and spool both full;
    // the spool frees up at t=20 and takes the replay at the next retry (t=23 = 1+2+4+8+8)
    const h = saverHarness();
    h.archive.failing = true;
    h.spool.failing = true;
    h.shutdown.abort();
    expect((await h.save(toSave(3n))).result).toBe('unsaved');
    expect(h.events.lost).toEqual([3n]);
    expect(h.saver.unsavedReplays).toBe(1);
    expect(h.stats.latest(3n)).toEqual({ ticks: fixtureFacts.example.ticks, available: false });
    await h.clock.advance(20_000);
    expect(h.saver.unsavedReplays).toBe(1);
    const attemptsWhileFull = h.archive.attempts.length;
    expect(attemptsWhileFull).toBe(5);
    h.spool.failing = false;
    await h.clock.advance(3_000);
    expect(h.spool.kept.has(3n)).toBe(true);
    expect(h.saver.unsavedReplays).toBe(0);
    expect(h.events.spooled).toEqual([3n]);
    await h.saver.whenSettled();
    expect(h.logger.find('LOST for now')).toHaveLength(1);
  });

  it('archives a lost replay once the vault is back, and records it as available', async () => {
    const h = saverHarness();
    h.archive.failing = true;
    h.spool.failing = true;
    h.shutdown.abort();
    expect((await h.save(toSave(4n))).result).toBe('unsaved');
    h.archive.failing = false;
    await h.clock.advance(1_000);
    expect(h.archive.replays.has(4n)).toBe(true);
    expect(h.stats.latest(4n)).toEqual({ ticks: fixtureFacts.example.ticks, available: true });
    expect(h.saver.unsavedReplays).toBe(0);
  });

  it('gives up at exit when asked, and says which replays are lost', async () => {
    const h = saverHarness();
    h.archive.failing = true;
    h.spool.failing = true;
    h.shutdown.abort();
    await h.save(toSave(5n));
    await h.save(toSave(6n));
    await h.clock.advance(3_000);
    expect(h.saver.giveUp()).toEqual([5n, 6n]);
    await h.saver.whenSettled();
    const attempts = h.archive.attempts.length;
    await h.clock.advance(60_000);
    expect(h.archive.attempts.length).toBe(attempts);
    expect(h.saver.unsavedReplays).toBe(0);
    expect(h.logger.find('gave up retrying at exit')).toHaveLength(2);
  });

  it('reports a spool that kept a longer replay of the game as spooled, and says why', async () => {
    const h = saverHarness();
    h.archive.failing = true;
    h.shutdown.abort();
    expect((await h.save(toSave(7n))).result).toBe('spooled');
    const headerOnly = toSave(7n, bodyOfChunks([]));
    expect((await h.save(headerOnly)).result).toBe('spooled');
    expect(h.spool.kept.get(7n)?.bodyLength).toBe(exampleBody.length);
    expect(h.logger.find('the spool already holds a longer replay of this game')).toHaveLength(1);
  });

  it('records nothing for an empty replay of a game whose file is already in the vault', async () => {
    const h = saverHarness();
    await h.save(toSave(8n));
    const before = h.stats.records.length;
    const empty = await h.save(toSave(8n, { scfaHeader: undefined, ...bodyOfChunks([]), ticks: null }));
    expect(empty).toEqual({ result: 'empty', stats: 'not recorded' });
    expect(h.stats.records.length).toBe(before);
    expect(h.stats.latest(8n)).toEqual({ ticks: fixtureFacts.example.ticks, available: true });
    expect(h.logger.find('so that its ticks stay')).toHaveLength(1);
  });

  it('records an empty replay of an unknown game as unavailable', async () => {
    const h = saverHarness();
    const empty = await h.save(toSave(9n, { scfaHeader: undefined, ...bodyOfChunks([]), ticks: null }));
    expect(empty).toEqual({ result: 'empty', stats: 'recorded' });
    expect(h.stats.latest(9n)).toEqual({ ticks: null, available: false });
  });
});
