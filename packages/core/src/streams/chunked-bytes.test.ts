import { describe, expect, it } from 'vitest';
import { ChunkedBytes } from './chunked-bytes.js';

function bytesOf(chunks: Uint8Array[]): number[] {
  return chunks.flatMap((chunk) => [...chunk]);
}

function filled(...chunks: number[][]): ChunkedBytes {
  const data = new ChunkedBytes();
  for (const chunk of chunks) data.append(Uint8Array.from(chunk));
  return data;
}

describe('ChunkedBytes', () => {
  it('reads slices and bytes across chunk boundaries', () => {
    const data = filled([0, 1, 2], [3], [4, 5, 6, 7]);
    expect(data.length).toBe(8);
    expect(bytesOf(data.slices(2, 6))).toEqual([2, 3, 4, 5]);
    expect(data.slices(2, 6).map((view) => view.length)).toEqual([1, 1, 2]);
    expect([0, 3, 4, 7].map((offset) => data.byteAt(offset))).toEqual([0, 3, 4, 7]);
    expect(data.slices(5, 5)).toEqual([]);
  });

  it('hands out views of the appended chunks, not copies', () => {
    const chunk = Uint8Array.of(9, 8, 7);
    const data = new ChunkedBytes();
    data.append(chunk);
    const [view] = data.slices(1, 3);
    expect(view?.buffer).toBe(chunk.buffer);
    expect(view?.byteOffset).toBe(1);
  });

  it('discards a prefix and refuses to read below it', () => {
    const data = filled([0, 1, 2], [3, 4], [5, 6]);
    data.discardBefore(4);
    expect(data.start).toBe(4);
    expect(bytesOf(data.slices(4, 7))).toEqual([4, 5, 6]);
    expect(() => data.slices(3, 7)).toThrow(RangeError);
    expect(() => data.byteAt(2)).toThrow(RangeError);
    expect(() => data.slices(4, 8)).toThrow(RangeError);
    data.discardBefore(1);
    expect(data.start).toBe(4);
  });

  it('keeps bytes appended after a discard beyond the end only from the discard point on', () => {
    const data = filled([1, 1, 1]);
    data.discardBefore(6);
    expect(data.start).toBe(6);
    data.append(Uint8Array.of(2, 2));
    expect(data.length).toBe(5);
    data.append(Uint8Array.of(3, 4, 5));
    expect(data.length).toBe(8);
    expect(bytesOf(data.slices(6, 8))).toEqual([4, 5]);
    expect(() => data.byteAt(5)).toThrow(RangeError);
  });

  it('holds nothing after a discard to infinity, however much arrives', () => {
    const data = filled([1, 2]);
    data.discardBefore(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 100; i++) data.append(new Uint8Array(1000));
    expect(data.length).toBe(100_002);
    expect(() => data.slices(100_001, 100_002)).toThrow(RangeError);
  });

  it('discards as fast as it appends (R: test_discard_data_immediately)', () => {
    const data = new ChunkedBytes();
    const chunk = Uint8Array.of(0, 1, 2, 3, 4, 5, 6);
    for (let i = 0; i < 20_000; i++) {
      data.append(chunk);
      expect(bytesOf(data.slices(i * 7, (i + 1) * 7))).toEqual([...chunk]);
      data.discardBefore((i + 1) * 7);
    }
    expect(data.start).toBe(140_000);
  });

  it('finds every offset after many appends and partial discards', () => {
    const data = new ChunkedBytes();
    const expected: number[] = [];
    for (let size = 1; size <= 200; size++) {
      const chunk = Uint8Array.from({ length: size }, (_, i) => (expected.length + i) % 251);
      data.append(chunk);
      expected.push(...chunk);
      if (size % 17 === 0) data.discardBefore(Math.floor(expected.length / 2));
    }
    for (let offset = data.start; offset < data.length; offset += 13) {
      expect(data.byteAt(offset)).toBe(expected[offset]);
    }
    expect(bytesOf(data.slices(data.start, data.length))).toEqual(expected.slice(data.start));
  });
});
