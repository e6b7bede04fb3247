import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { cutGameSpecs, cutOffset } from './cut-games.ts';
import { liveLogBytes, newestHeartbeatMs, QuietDetector } from './live-log-files.ts';
import { memorySpan } from './memory-samples.ts';
import { gameStream, loadReplaySource } from './replay-source.ts';

describe('cutGameSpecs', () => {
  const stream = gameStream(loadReplaySource(fixturePath(fixtureFacts.example.file)));
  const ticks = stream.tickEnds.length;

  it('holds the games at shares spread evenly from the first to the last', () => {
    const specs = cutGameSpecs(stream, 3, { from: 0.25, to: 0.5 }, 100);
    expect(specs.map((spec) => spec.gameId)).toEqual([100, 101, 102]);
    expect(specs.map((spec) => spec.tickLimit)).toEqual([
      Math.ceil(0.25 * ticks),
      Math.ceil(0.375 * ticks),
      Math.ceil(0.5 * ticks),
    ]);
    expect(cutGameSpecs(stream, 1, { from: 0.25, to: 0.5 }, 7)[0]?.tickLimit).toBe(Math.ceil(0.25 * ticks));
  });

  it("stops a spec's writers at the end of its last tick", () => {
    expect(cutOffset({ gameId: 1, stream, tickLimit: 10 })).toBe(stream.tickEnds[9]);
    expect(cutOffset({ gameId: 1, stream })).toBe(stream.bytes.length);
  });
});

describe('QuietDetector', () => {
  it('answers true once the value has stayed the same for the quiet time', () => {
    const quiet = new QuietDetector(1_500);
    expect(quiet.observe(0, 10)).toBe(false);
    expect(quiet.observe(1_000, 20)).toBe(false);
    expect(quiet.observe(2_400, 20)).toBe(false);
    expect(quiet.observe(2_500, 20)).toBe(true);
    expect(quiet.observe(2_600, 21)).toBe(false);
  });
});

describe('the live path as the bench reads it', () => {
  it("sums the games' log files and finds the newest heartbeat", async () => {
    const live = mkdtempSync(join(tmpdir(), 'faf-bench-live-'));
    expect(await newestHeartbeatMs(live)).toBeUndefined();
    for (const [gameId, bytes] of [
      ['101', 300],
      ['102', 200],
    ] as const) {
      mkdirSync(join(live, gameId));
      writeFileSync(join(live, gameId, 'replay-log.bin'), Buffer.alloc(bytes));
    }
    mkdirSync(join(live, '103'));
    mkdirSync(join(live, '.owners'));
    writeFileSync(join(live, '.owners', 'a'), 'a');
    writeFileSync(join(live, '.owners', 'b'), 'b');
    utimesSync(join(live, '.owners', 'a'), 1_000, 1_000);
    utimesSync(join(live, '.owners', 'b'), 2_000, 2_000);
    expect(await liveLogBytes(live)).toEqual({ games: 3, bytes: 500 });
    expect(await newestHeartbeatMs(live)).toBe(2_000_000);
  });
});

describe('memorySpan', () => {
  it('keeps the least of each figure, of heap + external per sample, and the last', () => {
    const span = memorySpan([
      { heapUsedBytes: 50, externalBytes: 10, rssBytes: 300 },
      { heapUsedBytes: 40, externalBytes: 30, rssBytes: 200 },
      { heapUsedBytes: 45, externalBytes: 20, rssBytes: 250 },
    ]);
    expect(span).toEqual({
      samples: 3,
      heapMinBytes: 40,
      heapLastBytes: 45,
      externalMinBytes: 10,
      externalLastBytes: 20,
      jsMinBytes: 60,
      jsLastBytes: 65,
      rssMinBytes: 200,
      rssLastBytes: 250,
    });
    expect(() => memorySpan([])).toThrow(RangeError);
  });
});
