import { describe, expect, it } from 'vitest';
import { BenchGame } from './bench-game.ts';
import type { GameDriving } from './bench-game.ts';
import type { GameStream } from './replay-source.ts';

/** A 10-byte header and three ticks ending at 20, 25 and 40. */
const stream: GameStream = {
  bytes: Buffer.alloc(40),
  headerBytes: 10,
  tickEnds: Uint32Array.from([20, 25, 40]),
};

function game(speedUp: number): BenchGame {
  const driving: GameDriving = {
    port: 1,
    writersPerGame: 0,
    readersPerGame: 0,
    speedUp,
    chunkBytes: 1024,
    onBytesSent: () => undefined,
    onReaderArrival: () => undefined,
    onClosed: () => undefined,
  };
  const benchGame = new BenchGame(1, stream, driving);
  benchGame.startWriters(1_000);
  return benchGame;
}

describe('BenchGame pacing', () => {
  it('sends the header at once and each tick 100 ms later at the real rate', () => {
    const paced = game(1);
    expect(paced.dueOffset(1_000)).toBe(10);
    expect(paced.dueOffset(1_099)).toBe(10);
    expect(paced.dueOffset(1_100)).toBe(20);
    expect(paced.dueOffset(1_250)).toBe(25);
    expect(paced.dueOffset(9_000)).toBe(40);
  });

  it('runs faster with a speed-up, and stops at the tick limit', () => {
    const fast = game(10);
    expect(fast.dueOffset(1_020)).toBe(25);
    fast.tickLimit = 1;
    expect(fast.dueOffset(9_000)).toBe(20);
    fast.tickLimit = 0;
    expect(fast.dueOffset(9_000)).toBe(10);
  });

  it('floods up to the tick limit', () => {
    const flood = game(Number.POSITIVE_INFINITY);
    expect(flood.dueOffset(1_000)).toBe(40);
    flood.tickLimit = 2;
    expect(flood.dueOffset(1_000)).toBe(25);
  });

  it('knows when each byte was due from the writers', () => {
    const paced = game(1);
    expect(paced.dueAtMs(10)).toBe(1_000);
    expect(paced.dueAtMs(11)).toBe(1_100);
    expect(paced.dueAtMs(20)).toBe(1_100);
    expect(paced.dueAtMs(21)).toBe(1_200);
    expect(paced.dueAtMs(40)).toBe(1_300);
  });
});
