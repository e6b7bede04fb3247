import { describe, expect, it } from 'vitest';
import { distribution, max, median, percentile } from './stats.ts';

describe('stats', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);

  it('takes percentiles by nearest rank, whatever the order', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('gives NaN for no values rather than a made-up number', () => {
    expect(median([])).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
    expect(max([])).toBeNaN();
  });

  it('summarizes a distribution', () => {
    expect(distribution(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });
});
