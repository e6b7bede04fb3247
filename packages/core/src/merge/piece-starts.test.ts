import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactFront, pieceAt } from './piece-starts.js';

describe('pieceAt', () => {
  it('finds the last piece at or after `first` that starts at or before the offset, as a scan does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.nat(),
        (lengths, f, o) => {
          const starts: number[] = [];
          let end = 0;
          for (const length of lengths) {
            starts.push(end);
            end += length;
          }
          const first = f % starts.length;
          const offset = (starts[first] as number) + (o % (end - (starts[first] as number) + 1));
          let scanned = first;
          for (let i = first; i < starts.length; i++) if ((starts[i] as number) <= offset) scanned = i;
          expect(pieceAt(starts, first, offset)).toBe(scanned);
        },
      ),
    );
  });
});

describe('compactFront', () => {
  it('keeps a small or minor dropped front, and removes one that is most of the pieces', () => {
    const arrays = (count: number) => ({
      pieces: Array.from({ length: count }, (_, i) => `p${i}`),
      starts: Array.from({ length: count }, (_, i) => i * 10),
    });
    const few = arrays(40);
    expect(compactFront(few.pieces, few.starts, 32)).toBe(32);
    expect(few.pieces).toHaveLength(40);
    const minor = arrays(100);
    expect(compactFront(minor.pieces, minor.starts, 50)).toBe(50);
    expect(minor.pieces).toHaveLength(100);
    const most = arrays(100);
    expect(compactFront(most.pieces, most.starts, 51)).toBe(0);
    expect([most.pieces.length, most.pieces[0], most.starts[0]]).toEqual([49, 'p51', 510]);
  });
});
