import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatCount, formatDuration, formatGameTime } from './format.js';

describe('format', () => {
  it('prints game time of ticks at 10 per second, rounded to the second', () => {
    expect(formatGameTime(28_917)).toBe('48 min 12 s');
    expect(formatGameTime(1_928)).toBe('3 min 13 s');
    expect(formatGameTime(94)).toBe('9 s');
    expect(formatGameTime(0)).toBe('0 s');
    expect(formatDuration(3_900)).toBe('1 h 5 min 0 s');
  });

  it('prints counts with separators, clocks and compact sizes', () => {
    expect(formatCount(5_591_255)).toBe('5,591,255');
    expect(formatClock(1_928)).toBe('03:13');
    expect(formatClock(39_000)).toBe('1:05:00');
    expect([formatBytes(812), formatBytes(42_500), formatBytes(5_591_255)]).toEqual([
      '812 B',
      '42.5 KB',
      '5.6 MB',
    ]);
  });
});
