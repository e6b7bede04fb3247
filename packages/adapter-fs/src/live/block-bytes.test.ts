import { describe, expect, it } from 'vitest';
import { BlockBytes } from './block-bytes.js';

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
}

describe('BlockBytes', () => {
  it('holds what was appended, in order, in blocks of at most 64 KiB', () => {
    const held = new BlockBytes();
    const sent = [bytes(10, 1), bytes(1_000, 2), bytes(150_000, 3), bytes(3, 4)];
    for (const chunk of sent) held.append(chunk);
    const views = held.views();
    expect(held.length).toBe(151_013);
    expect(views.flatMap((view) => [...view])).toEqual(sent.flatMap((chunk) => [...chunk]));
    expect(Math.max(...views.map((view) => view.length))).toBe(64 * 1024);
  });

  it('starts small: a short batch holds a small block', () => {
    const held = new BlockBytes();
    held.append(bytes(100, 1));
    const [view] = held.views();
    expect(view?.buffer.byteLength).toBe(256);
  });
});
