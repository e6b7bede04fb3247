import { describe, expect, it } from 'vitest';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { CoreHarness, concatBytes, settle } from '../testing/index.js';

const example = fixture(fixtureFacts.example.file);

describe('ConnectionHandler', () => {
  it('routes a writer and a reader of the same game, whatever the chunking of the header', async () => {
    const h = new CoreHarness();
    const writer = h.connect();
    for (const byte of new TextEncoder().encode('P/21/player.SCFAreplay\0'))
      writer.client.send(Uint8Array.of(byte));
    writer.client.send(example);
    writer.client.close();
    await settle();
    const reader = h.connect('G/21/');
    reader.client.send('watcher\0');
    await h.clock.advance(31_000);
    expect(firstDifference(reader.client.received(), example)).toBe(-1);
    expect(h.archive.replays.get(21n)?.metadata.recorder).toBe('player');
  });

  it('closes a reader of an unknown game with nothing sent, and creates no replay', async () => {
    const h = new CoreHarness();
    const reader = h.connect('G/404/foo\0');
    await h.allServed();
    expect(reader.client.closedBy).toBe('ended');
    expect(reader.client.received().length).toBe(0);
    expect(h.directory.liveGames).toBe(0);
    expect(h.events.servedCount('No replay matched')).toBe(1);
    expect(h.logger.find('replay 404 is not running')).toHaveLength(1);
  });

  it.each([
    ['a bad type', 'X/1/foo\0', 'Invalid connection type'],
    ['no NUL within 1 KiB', `P/1/${'a'.repeat(2_000)}`, ''],
    ['a bad id', 'P/-1/foo\0', ''],
    ['no slash', 'G/1\0', ''],
  ])('closes a connection with %s and logs why', async (_case, header, message) => {
    const h = new CoreHarness();
    const connection = h.connect(header);
    await h.clock.advance(1);
    connection.client.close();
    await h.allServed();
    expect(connection.client.closedBy).not.toBe('open');
    expect(h.events.servedCount('Bad data')).toBe(1);
    const logged = h.logger.find('Could not accept connection');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('info');
    expect(logged[0]?.message).toContain(message);
    expect(h.directory.liveGames).toBe(0);
  });

  it('drops empty connections silently', async () => {
    const h = new CoreHarness();
    h.connect().client.close();
    const oneByte = h.connect('P');
    oneByte.client.close();
    await h.allServed();
    expect(h.events.served.size).toBe(0);
    expect(h.logger.lines.filter((line) => line.level !== 'debug')).toEqual([]);
    expect(h.events.active).toEqual({ initial: 0, reader: 0, writer: 0 });
  });

  it('times out a connection that never completes its header', async () => {
    // TIMELINE (header timeout 6 h): a client sends `P/1` and then nothing
    const h = new CoreHarness({ headerTimeoutMs: 21_600_000 });
    const connection = h.connect('P/1');
    await h.clock.advance(21_599_000);
    expect(connection.client.closedBy).toBe('open');
    await h.clock.advance(2_000);
    expect(connection.client.closedBy).toBe('destroyed');
    expect(h.logger.find('Timed out while accepting connection')).toHaveLength(1);
  });

  it('ends a writer with a bad replay header without disturbing a good game', async () => {
    const h = new CoreHarness();
    const good = h.connect('P/31/good\0');
    good.client.send(example);
    const bad = h.connect('P/32/bad\0');
    bad.client.send(new Uint8Array(2 * 1024 * 1024).fill(7));
    const bad2 = h.connect('P/31/bad\0');
    bad2.client.send('Supreme Commander');
    bad2.client.close();
    await h.clock.advance(1_000);
    expect(bad.client.closedBy).toBe('ended');
    good.client.close();
    await h.clock.advance(40_000);
    const saved = h.archive.replays.get(31n);
    expect(
      firstDifference(concatBytes([saved?.scfaHeader ?? new Uint8Array(), ...(saved?.body ?? [])]), example),
    ).toBe(-1);
    expect(h.archive.replays.has(32n)).toBe(false);
    expect(h.events.servedCount('Bad data')).toBe(2);
    expect(h.logger.find('invalid replay header')).toHaveLength(2);
  });

  it('keeps what a writer sent before its connection failed', async () => {
    const h = new CoreHarness();
    const writer = h.connect('P/41/foo\0');
    writer.client.send(example.subarray(0, 20_000));
    writer.client.fail('connection reset by peer');
    await h.clock.advance(31_000);
    const saved = h.archive.replays.get(41n);
    expect(concatBytes([saved?.scfaHeader ?? new Uint8Array(), ...(saved?.body ?? [])]).length).toBe(20_000);
    expect(h.events.servedCount('I/O error')).toBe(1);
  });
});
