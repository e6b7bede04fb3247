import { describe, expect, it } from 'vitest';
import { PositionHistory } from './position-history.js';

describe('PositionHistory', () => {
  it('holds ceil(delay / interval) + 1 entries', () => {
    expect(new PositionHistory(300_000, 1000).capacity).toBe(301);
    expect(new PositionHistory(1000, 300).capacity).toBe(5);
    expect(new PositionHistory(0, 100).capacity).toBe(1);
  });

  it('starts at 0 and takes the first push as the first delayed value', () => {
    const history = new PositionHistory(3000, 1000);
    expect(history.delayed).toBe(0);
    history.push(50);
    expect(history.delayed).toBe(50);
  });

  it('gives the position pushed H - 1 pushes ago', () => {
    const history = new PositionHistory(3000, 1000);
    const delayed: number[] = [];
    for (let tick = 1; tick <= 8; tick++) {
      history.push(tick * 10);
      delayed.push(history.delayed);
    }
    expect(delayed).toEqual([10, 10, 10, 10, 20, 30, 40, 50]);
  });

  it('with no delay gives the latest push', () => {
    const history = new PositionHistory(0, 1000);
    history.push(5);
    history.push(9);
    expect(history.delayed).toBe(9);
  });

  it('rejects a non-positive interval or a negative delay', () => {
    expect(() => new PositionHistory(1000, 0)).toThrow(RangeError);
    expect(() => new PositionHistory(-1, 1000)).toThrow(RangeError);
  });
});
