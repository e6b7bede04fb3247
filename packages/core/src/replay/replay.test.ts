import { describe, expect, it } from 'vitest';
import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { MetadataUnavailableError } from '../errors.js';
import type { GameMetadataSource } from '../ports/game-metadata-source.js';
import { CoreHarness, concatBytes, settle } from '../testing/index.js';

const example = fixture(fixtureFacts.example.file);
const exampleBody = example.subarray(fixtureFacts.example.headerBytes);
const seconds = (s: number): number => s * 1_000;

function savedBytes(h: CoreHarness, gameId: bigint): Uint8Array {
  const saved = h.archive.replays.get(gameId);
  if (saved === undefined) throw new Error(`replay ${gameId} was not archived`);
  return concatBytes([saved.scfaHeader, ...saved.body]);
}

describe('Replay lifecycle', () => {
  it('is ended by its forced timeout even when a writer never sends', async () => {
    // TIMELINE (forced timeout 3600 s)
    // t=0     writer P/1 connects and then sends nothing
    // t=3599  the replay is still alive
    // t=3600  forced timeout: the writer is cut, the empty replay ends without a file
    const h = new CoreHarness({ settings: { forcedTimeoutMs: seconds(3_600) } });
    const writer = h.connect('P/1/foo\0');
    await h.clock.advance(seconds(3_599));
    expect(h.directory.replay(1n)?.phase).toBe('writing');
    await h.clock.advance(seconds(2));
    expect(h.directory.replay(1n)).toBeUndefined();
    expect(writer.client.closedBy).toBe('destroyed');
    expect(h.events.ended).toEqual([1n]);
    expect(h.archive.replays.size).toBe(0);
    expect(h.stats.latest(1n)).toEqual({ ticks: null, available: false });
  });

  it('gives one reader exactly what one writer sent in 100-byte chunks, and saves it', async () => {
    // TIMELINE (delay 300 s, grace 30 s)
    // t=0   writer sends all of `example` in 100-byte chunks; a reader connects
    // t=1   the writer closes; nothing is due before t=300, and another writer may still join
    // t=31  grace over: the game is decided at once, the reader gets everything, it is saved
    const h = new CoreHarness();
    const writer = h.connect('P/2/foo\0');
    writer.client.sendInChunks(example, 100);
    await settle();
    const reader = h.connect('G/2/foo\0');
    await h.clock.advance(seconds(1));
    expect(reader.client.received().length).toBe(0);
    writer.client.close();
    await h.clock.advance(seconds(29));
    expect(reader.client.received().length).toBe(0);
    expect(reader.client.closedBy).toBe('open');
    await h.clock.advance(seconds(2));
    expectSameBytes(reader.client.received(), example);
    expect(reader.client.closedBy).toBe('ended');
    expectSameBytes(savedBytes(h, 2n), example);
    expect(h.archive.replays.get(2n)?.ticks).toBe(fixtureFacts.example.ticks);
    expect(h.stats.latest(2n)).toEqual({ ticks: 1_928, available: true });
    expect(h.events.ended).toEqual([2n]);
    expect(h.events.servedCount('Success')).toBe(2);
    await h.allServed();
  });

  it('stops accepting after the grace period and stays alive until its readers are done', async () => {
    // TIMELINE (grace 2 s, the Rust server's test_replay_stops_accepting_connections)
    // t=0   writer connects
    // t=5   reader connects, but does not read (stalled)
    // t=7   writer sends everything and leaves
    // t=9   grace over: stop accepting, finalize, save
    // t=15  a writer is refused; t=25 a reader is refused and reads 0 bytes
    // t=35  the first reader reads again, gets everything, and the replay ends
    const h = new CoreHarness({ settings: { graceMs: seconds(2) } });
    const writer = h.connect('P/3/foo\0');
    await h.clock.advanceTo(seconds(5));
    const reader = h.connect('G/3/foo\0');
    reader.client.stall();
    await h.clock.advanceTo(seconds(7));
    writer.client.send(example);
    writer.client.close();
    await h.clock.advanceTo(seconds(10));
    expect(h.directory.replay(3n)?.phase).toBe('draining');
    expect(h.archive.replays.has(3n)).toBe(true);
    await h.clock.advanceTo(seconds(15));
    const lateWriter = h.connect('P/3/foo\0');
    await h.clock.advanceTo(seconds(25));
    const lateReader = h.connect('G/3/foo\0');
    await h.clock.advanceTo(seconds(26));
    expect(lateWriter.client.closedBy).toBe('ended');
    expect(lateReader.client.closedBy).toBe('ended');
    expect(lateReader.client.received().length).toBe(0);
    expect(h.events.servedCount('No replay matched')).toBe(2);
    expect(h.directory.replay(3n)?.phase).toBe('draining');
    await h.clock.advanceTo(seconds(35));
    reader.client.stall(false);
    await h.clock.advance(seconds(1));
    expectSameBytes(reader.client.received(), example);
    expect(h.directory.replay(3n)).toBeUndefined();
  });

  it('merges six diverging writers into stream 5 for readers and the archive', async () => {
    // TIMELINE (delay 5 s, grace 5 s, the Python server's test_replay_diverging_replays)
    // t=0..  six writers each send 4000 bytes every 0.1 s; a reader watches from t=0
    // end    writers close as their streams run out; 5 s later the replay is saved
    const h = new CoreHarness({ settings: { delayMs: seconds(5), graceMs: seconds(5) } });
    const streams = divergingStreams();
    const writers = streams.map(() => h.connect('P/4/foo\0'));
    await settle();
    const reader = h.connect('G/4/foo\0');
    for (let offset = 0; writers.some((w) => w.client.closedBy === 'open'); offset += 4_000) {
      streams.forEach((stream, i) => {
        const writer = writers[i];
        if (writer === undefined || offset > stream.length) return;
        writer.client.send(stream.subarray(offset, offset + 4_000));
        if (offset + 4_000 >= stream.length) writer.client.close();
      });
      await h.clock.advance(100);
      if (offset > 40_000) break;
    }
    await h.clock.advance(seconds(10));
    const winnerBody = streams[5]?.subarray(fixtureFacts.diverging.headerBytes) ?? new Uint8Array();
    const saved = h.archive.replays.get(4n);
    expect(saved?.scfaHeader.length).toBe(fixtureFacts.diverging.headerBytes);
    expectSameBytes(concatBytes(saved?.body ?? []), winnerBody);
    expect(saved?.ticks).toBe(722);
    const received = reader.client.received();
    expectSameBytes(received.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
    expect(reader.client.closedBy).toBe('ended');
  });

  it('merges six diverging writers that send everything and leave before the first update tick', async () => {
    // TIMELINE (delay 5 s, grace 5 s): all six writers send their whole stream and close at t=0
    const h = new CoreHarness({ settings: { delayMs: seconds(5), graceMs: seconds(5) } });
    const streams = divergingStreams();
    for (const stream of streams) {
      const writer = h.connect('P/15/foo\0');
      writer.client.send(stream);
      writer.client.close();
    }
    await h.clock.advance(seconds(10));
    const winnerBody = streams[5]?.subarray(fixtureFacts.diverging.headerBytes) ?? new Uint8Array();
    expectSameBytes(concatBytes(h.archive.replays.get(15n)?.body ?? []), winnerBody);
  });

  it('keeps a replay alive while a new writer arrives within the grace period', async () => {
    // TIMELINE (grace 30 s)
    // t=0   writer A sends the header and half the body, then leaves at t=10
    // t=20  writer B (the same game) arrives within the grace period and sends everything
    // t=21  B leaves; t=51 grace over: the replay is saved once, with B's full stream
    const h = new CoreHarness();
    const a = h.connect('P/5/a\0');
    a.client.send(example.subarray(0, 20_000));
    await h.clock.advanceTo(seconds(10));
    a.client.close();
    await h.clock.advanceTo(seconds(20));
    expect(h.directory.replay(5n)?.phase).toBe('writing');
    const b = h.connect('P/5/b\0');
    b.client.send(example);
    await h.clock.advanceTo(seconds(21));
    b.client.close();
    await h.clock.advanceTo(seconds(50));
    expect(h.archive.replays.size).toBe(0);
    await h.clock.advanceTo(seconds(52));
    expectSameBytes(savedBytes(h, 5n), example);
  });

  it('reader data stays exactly the delay behind the writers, counted in time, until the writers finish', async () => {
    // TIMELINE (delay 5 s, interval 1 s): a writer sends the header at t=0, then 1000 body
    // bytes at the start of each second; at t=s a reader holds what arrived 5 s ago or earlier,
    // and no more than one update interval less
    const h = new CoreHarness({ settings: { delayMs: seconds(5) } });
    const writer = h.connect('P/6/foo\0');
    writer.client.send(example.subarray(0, fixtureFacts.example.headerBytes));
    await settle();
    const reader = h.connect('G/6/foo\0');
    const headerBytes = fixtureFacts.example.headerBytes;
    for (let second = 1; second <= 20; second++) {
      writer.client.send(exampleBody.subarray((second - 1) * 1_000, second * 1_000));
      await h.clock.advance(seconds(1));
      const received = reader.client.received().length;
      expect(received).toBe(second < 5 ? 0 : headerBytes + (second - 4) * 1_000);
    }
    writer.client.close();
    await h.clock.advance(seconds(1));
    expect(reader.client.received().length).toBe(headerBytes + 20_000);
  });
});

describe('Replay saving', () => {
  it('retries a failing archive with backoff and keeps the replay until it is saved', async () => {
    // TIMELINE (grace 30 s, retry 1 s doubling): the vault fails from t=31 to t=40
    const h = new CoreHarness();
    h.archive.failing = true;
    const writer = h.connect('P/7/foo\0');
    writer.client.send(example);
    writer.client.close();
    await h.clock.advanceTo(seconds(40));
    expect(h.events.saveFailures.length).toBeGreaterThanOrEqual(3);
    expect(h.directory.replay(7n)?.phase).toBe('saving');
    expect(h.stats.records).toEqual([]);
    h.archive.failing = false;
    await h.clock.advanceTo(seconds(60));
    expectSameBytes(savedBytes(h, 7n), example);
    expect(h.stats.latest(7n)).toEqual({ ticks: 1_928, available: true });
    expect(h.directory.replay(7n)).toBeUndefined();
    expect(h.logger.find('Failed to save replay 7').length).toBe(h.events.saveFailures.length);
  });

  it('puts an unsaved replay in the spool at shutdown', async () => {
    const h = new CoreHarness();
    h.archive.failing = true;
    const writer = h.connect('P/8/foo\0');
    writer.client.send(example);
    writer.client.close();
    await h.clock.advanceTo(seconds(35));
    await h.directory.cutAll();
    expect(h.spool.kept.get(8n)?.ticks).toBe(1_928);
    expect(h.events.spooled).toEqual([8n]);
    expect(h.directory.liveGames).toBe(0);
  });

  it('saves what it has at shutdown, and never sends readers undelayed data', async () => {
    const h = new CoreHarness();
    const writer = h.connect('P/9/foo\0');
    writer.client.send(example.subarray(0, 30_000));
    await settle();
    const reader = h.connect('G/9/foo\0');
    await h.clock.advance(seconds(10));
    await h.directory.cutAll();
    expectSameBytes(savedBytes(h, 9n), example.subarray(0, 30_000));
    expect(writer.client.closedBy).toBe('destroyed');
    expect(reader.client.closedBy).toBe('ended');
    expect(reader.client.received().length).toBe(0);
    expect(h.connect('P/10/foo\0')).toBeDefined();
    await h.allServed();
    expect(h.directory.liveGames).toBe(0);
  });

  it('falls back to the SCFA header when the metadata source cannot answer', async () => {
    const failing: GameMetadataSource = {
      describe: () => Promise.reject(new MetadataUnavailableError('database down')),
    };
    const h = new CoreHarness({ metadata: failing });
    const writer = h.connect('P/11/foo\0');
    writer.client.send(example);
    writer.client.close();
    await h.clock.advance(seconds(31));
    expect(h.archive.replays.get(11n)?.metadata.origin).toBe('scfa-header');
    expect(h.logger.find('No game metadata for replay 11')).toHaveLength(1);
  });

  it('still saves when the metadata source fails unexpectedly', async () => {
    const broken: GameMetadataSource = { describe: () => Promise.reject(new TypeError('bug in a query')) };
    const h = new CoreHarness({ metadata: broken });
    const writer = h.connect('P/17/foo\0');
    writer.client.send(example);
    writer.client.close();
    await h.clock.advance(seconds(31));
    expect(h.archive.replays.get(17n)?.metadata.origin).toBe('scfa-header');
    expect(h.logger.find('No game metadata for replay 17')[0]?.level).toBe('error');
  });

  it('records an empty replay as unavailable without saving a file', async () => {
    const h = new CoreHarness();
    const writer = h.connect('P/12/foo\0');
    writer.client.close();
    await h.clock.advance(seconds(31));
    expect(h.archive.attempts).toEqual([]);
    expect(h.stats.latest(12n)).toEqual({ ticks: null, available: false });
    expect(h.events.servedCount('Bad data')).toBe(1);
  });

  it('refuses a writer for a game this process already saved', async () => {
    const h = new CoreHarness();
    const first = h.connect('P/13/foo\0');
    first.client.send(example);
    first.client.close();
    await h.clock.advance(seconds(31));
    const again = h.connect('P/13/foo\0');
    again.client.send(example.subarray(0, 100));
    await h.clock.advance(seconds(1));
    expect(again.client.closedBy).toBe('ended');
    expect(h.directory.replay(13n)).toBeUndefined();
    expect(h.logger.find('was already saved by this server')).toHaveLength(1);
    expect(h.archive.attempts).toEqual([13n]);
  });

  it('leaves a replay another run already archived untouched, with its stats', async () => {
    const h = new CoreHarness();
    const earlier = h.connect('P/14/foo\0');
    earlier.client.send(example);
    earlier.client.close();
    await h.clock.advance(seconds(31));
    const kept = h.archive.replays.get(14n);
    const restarted = new CoreHarness();
    if (kept === undefined) throw new Error('the first run saved nothing');
    restarted.archive.replays.set(14n, kept);
    const again = restarted.connect('P/14/foo\0');
    again.client.send(example.subarray(0, 20_000));
    again.client.close();
    await restarted.clock.advance(seconds(31));
    expect(restarted.archive.replays.get(14n)).toBe(kept);
    expect(restarted.stats.records).toEqual([]);
    expect(restarted.logger.find('was already saved; kept the saved file')).toHaveLength(1);
  });
});

describe('Replay housekeeping', () => {
  it('leaves no abort listener behind however often writers come and go', async () => {
    // Listeners on signals that have not fired yet: what would pile up over a long game.
    const live = new Map<unknown, AbortSignal>();
    const prototype = AbortSignal.prototype;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied to their own signals below
    const { addEventListener: add, removeEventListener: remove } = prototype;
    prototype.addEventListener = function (this: AbortSignal, ...args: Parameters<typeof add>) {
      if (args[0] === 'abort') live.set(args[1], this);
      add.apply(this, args);
    };
    prototype.removeEventListener = function (this: AbortSignal, ...args: Parameters<typeof remove>) {
      if (args[0] === 'abort') live.delete(args[1]);
      remove.apply(this, args);
    };
    const pending = (): number => [...live.values()].filter((signal) => !signal.aborted).length;
    try {
      const h = new CoreHarness();
      const first = h.connect('P/16/first\0');
      first.client.send(example.subarray(0, 10_000));
      await h.clock.advance(seconds(1));
      const before = pending();
      for (let i = 0; i < 30; i++) {
        const visitor = h.connect(`P/16/visitor${i}\0`);
        await h.clock.advance(100);
        visitor.client.close();
        await h.clock.advance(100);
      }
      expect(h.directory.replay(16n)?.writerCount).toBe(1);
      expect(pending() - before).toBeLessThan(5);
    } finally {
      prototype.addEventListener = add;
      prototype.removeEventListener = remove;
    }
  });
});

describe('Replay readers that resume', () => {
  it('gives a reader from an offset exactly what a reader from 0 gets from there on', async () => {
    // TIMELINE (delay 5 s): one writer sends everything at t=0 and stays; readers join at t=1
    // from 0, from inside the header, from inside the body, and from past the end
    const h = new CoreHarness({ settings: { delayMs: seconds(5), graceMs: seconds(5) } });
    const writer = h.connect('P/18/foo\0');
    writer.client.send(example);
    await settle();
    const offsets = [0, 1_000, 30_000, example.length, example.length + 10];
    const readers = offsets.map((offset) => h.connect('G/18/foo\0', offset));
    await h.clock.advance(seconds(6));
    writer.client.close();
    await h.clock.advance(seconds(10));
    offsets.forEach((offset, index) => {
      expectSameBytes(readers[index]?.client.received() ?? new Uint8Array(), example.subarray(offset));
      expect(readers[index]?.client.closedBy).toBe('ended');
    });
  });
});

describe('Replay limits', () => {
  it('ends a writer past replay.max_stream_bytes, logs why, and keeps what it sent up to the cap', async () => {
    // TIMELINE (cap 30,000 bytes, grace 1 s): a writer sends all 43,544 bytes of example at once
    const h = new CoreHarness({ settings: { maxStreamBytes: 30_000, graceMs: seconds(1) } });
    const writer = h.connect('P/19/foo\0');
    writer.client.send(example);
    await h.clock.advance(seconds(5));
    expect(writer.client.closedBy).toBe('ended');
    expect(h.logger.find('stream longer than replay.max_stream_bytes (30000 bytes)')).toHaveLength(1);
    expectSameBytes(savedBytes(h, 19n), example.subarray(0, 30_000));
    expect(h.events.bytesIn).toBe(30_000);
  });

  it('closes readers at once at shutdown: no linger', async () => {
    const h = new CoreHarness({ settings: { delayMs: seconds(1) } });
    const writer = h.connect('P/20/foo\0');
    writer.client.send(example.subarray(0, 10_000));
    await settle();
    const reader = h.connect('G/20/foo\0');
    await h.clock.advance(seconds(2));
    await h.directory.cutAll();
    expect(reader.client.closedBy).toBe('ended');
    expect(reader.client.lingerSkipped).toBe(true);
  });
});
