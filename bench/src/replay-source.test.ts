import { describe, expect, it } from 'vitest';
import { fixtureFacts, fixturePath, firstDifference } from '@faf-replay/fixtures';
import { gameSeconds, gameStream, loadReplaySource, splitReplay } from './replay-source.ts';

describe('the vault fixture', () => {
  const source = loadReplaySource(fixturePath(fixtureFacts.vault.file));

  it('splits into the SCFA header and a body of 28,917 ticks', () => {
    expect(source.header.length).toBe(fixtureFacts.vault.headerBytes);
    expect(source.header.length + source.body.length).toBe(fixtureFacts.vault.streamBytes);
    expect(source.tickEnds.length).toBe(fixtureFacts.vault.ticks);
  });

  it('as a whole game is the decompressed stream, paced over 48 minutes', () => {
    const stream = gameStream(source);
    const whole = Buffer.concat([source.header, source.body]);
    expect(firstDifference(stream.bytes, whole)).toBe(-1);
    expect(stream.tickEnds.at(-1)).toBe(stream.bytes.length);
    expect(gameSeconds(stream)).toBeCloseTo(2891.7, 1);
  });

  it('cuts a window of ticks behind the header, at frame boundaries', () => {
    const stream = gameStream(source, 1000, 1100);
    const start = source.tickEnds[999] ?? 0;
    const end = source.tickEnds[1099] ?? 0;
    expect(stream.bytes.length).toBe(source.header.length + end - start);
    expect(firstDifference(stream.bytes.subarray(stream.headerBytes), source.body.subarray(start, end))).toBe(
      -1,
    );
    expect(stream.tickEnds.length).toBe(100);
    expect(stream.tickEnds[0]).toBe(source.header.length + (source.tickEnds[1000] ?? 0) - start);
    // The window re-parses as a replay of exactly its ticks.
    expect(splitReplay(stream.bytes).tickEnds.length).toBe(100);
  });

  it('refuses a window outside the game', () => {
    expect(() => gameStream(source, 10, 10)).toThrow(RangeError);
    expect(() => gameStream(source, 0, fixtureFacts.vault.ticks + 1)).toThrow(RangeError);
  });
});
