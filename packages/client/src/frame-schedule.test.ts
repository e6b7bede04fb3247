import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { FrameSchedule } from './frame-schedule.js';

// A body: Cmd(5 bytes), Advance(1), Cmd(4 bytes), Advance(2), EndGame.
const body = Uint8Array.of(12, 5, 0, 9, 9, 0, 7, 0, 1, 0, 0, 0, 12, 4, 0, 9, 0, 7, 0, 2, 0, 0, 0, 23, 3, 0);

describe('FrameSchedule', () => {
  it('makes the frames after the Advance to tick t due at tick t', () => {
    const schedule = FrameSchedule.of(body);
    expect(schedule.totalTicks).toBe(3);
    expect([0, 1, 2, 3, 99].map((tick) => schedule.dueBytesAt(tick))).toEqual([5, 16, 16, 26, 26]);
    expect([0, 4, 5, 15, 16, 25].map((offset) => schedule.tickOf(offset))).toEqual([0, 0, 1, 1, 3, 3]);
  });

  it('gives the offset after each Advance, once per tick it carries', () => {
    expect([...FrameSchedule.of(body).tickEnds()]).toEqual([12, 23, 23]);
  });

  it('refuses a frame smaller than its own head', () => {
    expect(() => FrameSchedule.of(Uint8Array.from([5, 2, 0]))).toThrow(/corrupt body frame at 0/);
  });

  it('counts the fixtures as the server does', () => {
    const example = fixture(fixtureFacts.example.file).subarray(fixtureFacts.example.headerBytes);
    const schedule = FrameSchedule.of(example);
    expect(schedule.totalTicks).toBe(fixtureFacts.example.ticks);
    expect(schedule.tickEnds().length).toBe(fixtureFacts.example.ticks);
    expect(schedule.tickEnds().at(-1)).toBeLessThanOrEqual(example.length);
  });
});
