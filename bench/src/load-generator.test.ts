import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { BaselineRelay } from './baseline-relay.ts';
import { LoadGenerator } from './load-generator.ts';
import { gameStream, loadReplaySource } from './replay-source.ts';

const source = loadReplaySource(fixturePath(fixtureFacts.example.file));
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function relayPort(): Promise<number> {
  const relay = new BaselineRelay();
  const port = await relay.listen();
  closers.push(() => relay.close());
  return port;
}

/** A broken relay: every reader gets the stream with one byte changed at `offset`. */
async function corruptingPort(bytes: Buffer, offset: number): Promise<number> {
  const wrong = Buffer.from(bytes);
  wrong[offset] = (wrong[offset] ?? 0) ^ 0xff;
  const server: Server = createServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').startsWith('G/')) socket.end(wrong);
      else socket.resume().on('end', () => socket.end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('LoadGenerator against the baseline relay', () => {
  it('paces G games × W writers × R readers by ticks, and checks every reader', async () => {
    const stream = gameStream(source, 0, 300);
    const generator = new LoadGenerator({
      port: await relayPort(),
      writersPerGame: 3,
      readersPerGame: 2,
      speedUp: 20,
      readerDelayMs: 100,
      serverDelayMs: 0,
    });
    generator.addGames(
      [1, 2, 3, 4].map((i) => ({ gameId: i, stream })),
      200,
    );
    const startedMs = performance.now();
    expect(await generator.idle(15_000)).toBe(true);
    // 300 ticks at 20× the real rate take 1.5 s; writers must not have flooded.
    expect(performance.now() - startedMs).toBeGreaterThan(1_400);
    const summary = generator.summary();
    expect(summary).toMatchObject({
      games: 4,
      writers: 12,
      readers: 8,
      readersComplete: 8,
      readersCorrupt: 0,
    });
    expect(summary.writerEndings).toEqual({ end: 12 });
    expect(summary.sentBytes).toBe(12 * stream.bytes.length);
    expect(summary.readerLagMs.count).toBeGreaterThan(8);
    expect(summary.readerLagMs.p99).toBeLessThan(1_000);
  });

  it('floods whole games, held at a tick limit until released', async () => {
    const stream = gameStream(source);
    const generator = new LoadGenerator({
      port: await relayPort(),
      writersPerGame: 2,
      readersPerGame: 1,
      speedUp: Number.POSITIVE_INFINITY,
      readerDelayMs: 0,
      serverDelayMs: 0,
    });
    generator.limitTicks(0.5);
    generator.addGames([{ gameId: 5, stream }], 0);
    expect(await generator.idle(300)).toBe(false);
    const half = stream.tickEnds[Math.ceil(0.5 * stream.tickEnds.length) - 1] ?? 0;
    expect(generator.sentBytes).toBe(2 * half);
    generator.limitTicks(1);
    expect(await generator.idle(10_000)).toBe(true);
    expect(generator.summary()).toMatchObject({ readersComplete: 1, sentBytes: 2 * stream.bytes.length });
  });
});

describe('LoadGenerator checks', () => {
  it('reports the first differing offset of a reader that gets wrong bytes', async () => {
    const stream = gameStream(source, 0, 50);
    const generator = new LoadGenerator({
      port: await corruptingPort(stream.bytes, 1234),
      writersPerGame: 1,
      readersPerGame: 1,
      speedUp: Number.POSITIVE_INFINITY,
      readerDelayMs: 0,
      serverDelayMs: 0,
    });
    generator.addGames([{ gameId: 6, stream }], 0);
    expect(await generator.idle(10_000)).toBe(true);
    const summary = generator.summary();
    expect(summary.readersCorrupt).toBe(1);
    expect(summary.failures).toEqual([`game 6 reader 0: differs from byte 1234 (of ${stream.bytes.length})`]);
  });
});
