import { describe, expect, it } from 'vitest';
import { PositionHistory } from './position-history.js';
import { StreamStateError } from './stream-state-error.js';
import { WriterStream } from './writer-stream.js';

function writer(delayTicks: number): WriterStream {
  return new WriterStream('w1', new PositionHistory(delayTicks * 1000, 1000));
}

describe('WriterStream', () => {
  it('reports a tick only when (length, delayed length) changed', () => {
    const stream = writer(2);
    expect(stream.recordPosition()).toBe(false);
    stream.append(new Uint8Array(10));
    expect(stream.recordPosition()).toBe(true);
    expect(stream.delayedLength).toBe(0);
    expect(stream.recordPosition()).toBe(false);
    expect(stream.recordPosition()).toBe(true);
    expect(stream.delayedLength).toBe(10);
    expect(stream.recordPosition()).toBe(false);
  });

  it('trails its length by the delay', () => {
    const stream = writer(2);
    const delayed: number[] = [];
    for (let tick = 0; tick < 5; tick++) {
      stream.append(new Uint8Array(100));
      stream.recordPosition();
      delayed.push(stream.delayedLength);
    }
    expect(stream.length).toBe(500);
    expect(delayed).toEqual([100, 100, 100, 200, 300]);
  });

  it('jumps its delayed length to the end when it finishes', () => {
    const stream = writer(300);
    stream.append(new Uint8Array(7));
    stream.recordPosition();
    stream.append(new Uint8Array(5));
    stream.recordPosition();
    expect(stream.delayedLength).toBe(7);
    stream.finish();
    expect(stream.finished).toBe(true);
    expect(stream.delayedLength).toBe(12);
    expect(stream.recordPosition()).toBe(false);
    expect(stream.delayedLength).toBe(12);
  });

  it('refuses data after it finished', () => {
    const stream = writer(1);
    stream.finish();
    expect(() => {
      stream.append(Uint8Array.of(1));
    }).toThrow(StreamStateError);
  });
});
