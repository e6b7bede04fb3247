import { describe, expect, it } from 'vitest';
import { BlockPool, leaseCount } from './block-pool.js';
import { GrowableBytes } from './growable-bytes.js';

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
}

function joined(views: readonly Uint8Array[]): number[] {
  return views.flatMap((view) => [...view]);
}

describe('GrowableBytes', () => {
  it('reads back what was appended across block boundaries, as views and runs', () => {
    const held = new GrowableBytes(1_000);
    const sent = [bytes(100, 1), bytes(300, 2), bytes(70_000, 3), bytes(5, 4)];
    for (const chunk of sent) held.append(chunk);
    const all = joined(sent);
    expect(held.end).toBe(1_000 + all.length);
    expect(joined(held.views(1_000, held.end))).toEqual(all);
    expect(joined(held.views(1_250, 1_260))).toEqual(all.slice(250, 260));
    const run = held.run(1_050, held.end);
    expect(run.length).toBeGreaterThan(0);
    expect(run.length).toBeLessThan(all.length);
    expect([...run]).toEqual(all.slice(50, 50 + run.length));
    expect(held.byteAt(1_000 + 40_000)).toBe(all[40_000]);
  });

  it('drops a prefix and keeps reading the rest; refuses bytes it does not hold', () => {
    const held = new GrowableBytes();
    const all = bytes(200_000, 7);
    for (let at = 0; at < all.length; at += 3_000) held.append(all.subarray(at, at + 3_000));
    held.discardBefore(150_001);
    held.discardBefore(10);
    expect(held.start).toBe(150_001);
    expect(joined(held.views(150_001, 200_000))).toEqual([...all.subarray(150_001)]);
    expect(() => held.views(150_000, 150_010)).toThrow(RangeError);
    expect(() => held.byteAt(200_000)).toThrow(RangeError);
  });

  it('goes on appending at its end once every byte was dropped', () => {
    const held = new GrowableBytes();
    held.append(bytes(40_000, 1));
    held.discardBefore(40_000);
    held.append(bytes(10, 2));
    expect(held.start).toBe(40_000);
    expect(joined(held.views(40_000, 40_010))).toEqual([...bytes(10, 2)]);
  });

  it('never changes a view it handed out, whatever is appended or dropped later (logs keep them)', () => {
    const held = new GrowableBytes();
    const handed: { view: Uint8Array; copy: number[] }[] = [];
    let at = 0;
    for (let round = 0; round < 60; round++) {
      const chunk = bytes(97 + ((round * 1_237) % 9_000), round);
      held.append(chunk);
      for (const view of held.views(at, held.end)) handed.push({ view, copy: [...view] });
      at = held.end;
      if (round % 7 === 6) held.discardBefore(held.end - 500);
    }
    for (const { view, copy } of handed) expect([...view]).toEqual(copy);
  });
});

describe('GrowableBytes with a pool', () => {
  it('gives each block back as it drops it, and all of them at dispose', () => {
    const pool = new BlockPool({ poison: true });
    const held = new GrowableBytes(0, pool);
    const all = bytes(300_000, 9);
    for (let at = 0; at < all.length; at += 1_000) held.append(all.subarray(at, at + 1_000));
    const first = held.run(0, 10);
    expect(leaseCount(first)).toBe(1);
    held.discardBefore(200_000);
    expect(leaseCount(first)).toBe(0);
    expect(joined(held.views(200_000, 300_000))).toEqual([...all.subarray(200_000)]);
    const last = held.run(299_990, 300_000);
    held.dispose();
    expect(leaseCount(last)).toBe(0);
    expect(() => held.views(299_990, 300_000)).toThrow(RangeError);
    expect(() => {
      held.append(all);
    }).toThrow(RangeError);
    // The blocks come back into use.
    const again = new GrowableBytes(0, pool);
    again.append(all);
    expect(pool.counts.reused).toBeGreaterThan(0);
    expect(joined(again.views(0, all.length))).toEqual([...all]);
  });
});
