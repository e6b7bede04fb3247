import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { FrameSchedule } from './frame-schedule.js';
import { sendPaced } from './send-paced.js';
import type { PacedTarget, PacingClock } from './send-paced.js';

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

/** A writer that records, at each step, the time and how many bytes became due. */
function recordingTarget(clock: PacingClock, length: number): PacedTarget & { sends: [number, number][] } {
  let due = 0;
  const sends: [number, number][] = [];
  return {
    sends,
    sendUpTo: (offset) => {
      const upTo = Math.min(offset, length);
      if (upTo > due) sends.push([clock.now(), upTo - due]);
      due = Math.max(due, upTo);
    },
    flushed: () => Promise.resolve(true),
  };
}

describe('sendPaced', () => {
  it('sends the bytes of tick t at t/10 s divided by the speed', async () => {
    const clock = fakeClock();
    const target = recordingTarget(clock, body.length);
    await sendPaced(target, FrameSchedule.of(body), 2, { clock });
    // Tick 1 is due at 50 ms at double speed, tick 3 at 150 ms.
    expect(target.sends).toEqual([
      [0, 5],
      [50, 11],
      [150, 10],
    ]);
  });

  it('counts offsets from where the body starts in the stream', async () => {
    const clock = fakeClock();
    const offsets: number[] = [];
    const target = {
      sendUpTo: (offset: number) => offsets.push(offset),
      flushed: () => Promise.resolve(true),
    };
    await sendPaced(target, FrameSchedule.of(body), 1, { clock, from: 100 });
    expect(offsets).toEqual([105, 116, 126]);
  });

  it('plays the example at real time: never ahead of its ticks, done at 192.8 s', async () => {
    const example = fixture(fixtureFacts.example.file).subarray(fixtureFacts.example.headerBytes);
    const schedule = FrameSchedule.of(example);
    const clock = fakeClock();
    let sent = 0;
    let aheadAt: number | null = null;
    const target: PacedTarget = {
      sendUpTo: (offset) => {
        sent = Math.max(sent, offset);
        if (sent > schedule.dueBytesAt(Math.floor(clock.now() / 100 + 1e-9))) aheadAt ??= clock.now();
      },
      flushed: () => Promise.resolve(true),
    };
    await sendPaced(target, schedule, 1, { clock });
    expect(aheadAt).toBeNull();
    expect(sent).toBe(example.length);
    expect(clock.now()).toBeCloseTo(192_800, 3);
    expect(clock.sleeps.length).toBeLessThanOrEqual(fixtureFacts.example.ticks);
  });

  it('makes everything due at once at infinite speed', async () => {
    const long = fixture(fixtureFacts.long.file).subarray(fixtureFacts.long.headerBytes);
    const clock = fakeClock();
    const target = recordingTarget(clock, long.length);
    await sendPaced(target, FrameSchedule.of(long), Infinity, { clock });
    expect(clock.sleeps).toEqual([]);
    expect(target.sends).toEqual([[0, long.length]]);
  });

  it('stops when the connection closes', async () => {
    const clock = fakeClock();
    const offsets: number[] = [];
    const target = {
      sendUpTo: (offset: number) => offsets.push(offset),
      flushed: () => Promise.resolve(false),
    };
    await sendPaced(target, FrameSchedule.of(body), 1, { clock });
    expect([offsets, clock.sleeps]).toEqual([[5], []]);
  });
});
