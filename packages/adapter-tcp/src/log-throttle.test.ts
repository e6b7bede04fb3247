import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // TIMELINE (ms): 0 a (reported), 100 b, 900 c, 1000 [b..c reported as c ×2], 1500 d,
  // 2000 [d reported], 3000 [nothing pending: the timer stops], 3200 e (reported at once).
  it('reports the first event at once and the rest at most once per interval, none lost', () => {
    const reports: [string, number, number][] = [];
    const throttle = new LogThrottle<string>(1000, (latest, count) => {
      reports.push([latest, count, Date.now()]);
    });
    vi.setSystemTime(0);
    throttle.record('a');
    vi.advanceTimersByTime(100);
    throttle.record('b');
    vi.advanceTimersByTime(800);
    throttle.record('c');
    vi.advanceTimersByTime(100);
    expect(reports).toEqual([
      ['a', 1, 0],
      ['c', 2, 1000],
    ]);
    vi.advanceTimersByTime(500);
    throttle.record('d');
    vi.advanceTimersByTime(500);
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(200);
    throttle.record('e');
    expect(reports).toEqual([
      ['a', 1, 0],
      ['c', 2, 1000],
      ['d', 1, 2000],
      ['e', 1, 3200],
    ]);
  });

  it('reports what is pending on flush() and keeps no timer', () => {
    const reports: [string, number][] = [];
    const throttle = new LogThrottle<string>(1000, (latest, count) => reports.push([latest, count]));
    throttle.record('a');
    throttle.record('b');
    throttle.record('c');
    throttle.flush();
    expect(reports).toEqual([
      ['a', 1],
      ['c', 2],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
