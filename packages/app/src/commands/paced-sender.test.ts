import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { FrameSchedule } from './frame-schedule.js';
import { sendPaced } from './paced-sender.js';
import type { PacingClock } from './paced-sender.js';

// A body: Cmd(5 bytes), Advance(1), Cmd(4 bytes), Advance(2), EndGame.
const body = Uint8Array.of(12, 5, 0, 9, 9, 0, 7, 0, 1, 0, 0, 0, 12, 4, 0, 9, 0, 7, 0, 2, 0, 0, 0, 23, 3, 0);

function fakeClock(): PacingClock & { sleeps: number[] } {
  let nowMs = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    sleep: (ms) => {
      sleeps.push(ms);
      nowMs += ms;
      return Promise.resolve();
    },
  };
}

describe('sendPaced', () => {
  it('sends the bytes of tick t at t/10 s divided by the speed', async () => {
    const clock = fakeClock();
    const sends: [number, number][] = [];
    await sendPaced(
      body,
      FrameSchedule.of(body),
      2,
      (chunk) => {
        sends.push([clock.now(), chunk.length]);
        return Promise.resolve();
      },
      { clock },
    );
    // Tick 1 is due at 50 ms at double speed, tick 3 at 150 ms.
    expect(sends).toEqual([
      [0, 5],
      [50, 11],
      [150, 10],
    ]);
  });

  it('plays the example at real time: never ahead of its ticks, done at 192.8 s', async () => {
    const example = fixture(fixtureFacts.example.file).subarray(fixtureFacts.example.headerBytes);
    const schedule = FrameSchedule.of(example);
    const clock = fakeClock();
    let sent = 0;
    let aheadAt: number | null = null;
    await sendPaced(
      example,
      schedule,
      1,
      (chunk) => {
        sent += chunk.length;
        if (sent > schedule.dueBytesAt(Math.floor(clock.now() / 100 + 1e-9))) aheadAt ??= clock.now();
        return Promise.resolve();
      },
      { clock },
    );
    expect(aheadAt).toBeNull();
    expect(sent).toBe(example.length);
    expect(clock.now()).toBeCloseTo(192_800, 3);
    expect(clock.sleeps.length).toBeLessThanOrEqual(fixtureFacts.example.ticks);
  });

  it('sends everything at once, in bounded chunks, at infinite speed', async () => {
    const long = fixture(fixtureFacts.long.file).subarray(fixtureFacts.long.headerBytes);
    const clock = fakeClock();
    const chunks: number[] = [];
    await sendPaced(
      long,
      FrameSchedule.of(long),
      Infinity,
      (chunk) => {
        chunks.push(chunk.length);
        return Promise.resolve();
      },
      { clock },
    );
    expect(clock.sleeps).toEqual([]);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(long.length);
    expect(Math.max(...chunks)).toBe(64 * 1024);
  });
});
