import { describe, expect, it } from 'vitest';
import { MemoryCanonicalStorage, canonicalBlockBytes } from './memory-canonical-storage.js';
import { StreamStateError } from './stream-state-error.js';

function pattern(from: number, count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (from + i) % 251);
}

function concat(views: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(views.reduce((sum, view) => sum + view.length, 0));
  let offset = 0;
  for (const view of views) {
    out.set(view, offset);
    offset += view.length;
  }
  return out;
}

describe('MemoryCanonicalStorage', () => {
  it('stores appends of any size across block boundaries', () => {
    const storage = new MemoryCanonicalStorage();
    let length = 0;
    for (const size of [1, 3000, 70_000, 1, 1, 200_000, 5]) {
      storage.append(pattern(length, size));
      length += size;
    }
    expect(storage.length).toBe(length);
    expect(concat(storage.read(0, length))).toEqual(pattern(0, length));
    expect(concat(storage.read(65_000, 140_000))).toEqual(pattern(65_000, 75_000));
  });

  it('reads a range as one view per 64 KiB block', () => {
    const storage = new MemoryCanonicalStorage();
    storage.append(pattern(0, 3 * canonicalBlockBytes + 10));
    const views = storage.read(10, 3 * canonicalBlockBytes + 5);
    expect(views.map((view) => view.length)).toEqual([
      canonicalBlockBytes - 10,
      canonicalBlockBytes,
      canonicalBlockBytes,
      5,
    ]);
  });

  it('stays compact under single-byte appends', () => {
    const storage = new MemoryCanonicalStorage();
    for (let i = 0; i < 100_000; i++) storage.append(Uint8Array.of(i % 256));
    const views = storage.read(0, 100_000);
    expect(views).toHaveLength(2);
    expect(views[1]?.[100_000 - canonicalBlockBytes - 1]).toBe(99_999 % 256);
  });

  it('keeps earlier views valid while the first block grows', () => {
    const storage = new MemoryCanonicalStorage();
    storage.append(pattern(0, 100));
    const early = storage.read(0, 100);
    storage.append(pattern(100, 20_000));
    expect(concat(early)).toEqual(pattern(0, 100));
    expect(concat(storage.read(0, 20_100))).toEqual(pattern(0, 20_100));
  });

  it('refuses reads outside [0, length] and appends after finish', () => {
    const storage = new MemoryCanonicalStorage();
    storage.append(pattern(0, 10));
    expect(() => storage.read(0, 11)).toThrow(RangeError);
    expect(() => storage.read(-1, 5)).toThrow(RangeError);
    expect(storage.read(10, 10)).toEqual([]);
    storage.finish();
    expect(() => {
      storage.append(Uint8Array.of(1));
    }).toThrow(StreamStateError);
  });
});
