import { describe, expect, it } from 'vitest';
import { RecentBytes } from './recent-bytes.js';

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
}

function joined(views: readonly Uint8Array[]): number[] {
  return views.flatMap((view) => [...view]);
}

describe('RecentBytes', () => {
  it('keeps the appended arrays as they are and reads any range across them', () => {
    const recent = new RecentBytes(500);
    const sent = [bytes(100, 1), bytes(0, 2), bytes(300, 3), bytes(7, 4)];
    for (const chunk of sent) recent.append(chunk);
    const all = joined(sent);
    expect(recent.end).toBe(907);
    expect(recent.read(500, 600)[0]).toBe(sent[0]);
    expect(joined(recent.read(550, 905))).toEqual(all.slice(50, 405));
    expect(recent.read(600, 600)).toEqual([]);
  });

  it('forgets a prefix; views handed out stay valid; refuses what it no longer holds', () => {
    const recent = new RecentBytes();
    const chunks = Array.from({ length: 100 }, (_, i) => bytes(10, i));
    for (const chunk of chunks) recent.append(chunk);
    const early = recent.read(0, 20);
    recent.discardBefore(995);
    recent.discardBefore(10);
    expect(recent.start).toBe(995);
    expect(joined(early)).toEqual(joined(chunks.slice(0, 2)));
    expect(joined(recent.read(995, 1_000))).toEqual([...(chunks[99] as Uint8Array).subarray(5)]);
    expect(() => recent.read(990, 1_000)).toThrow(RangeError);
  });
});
