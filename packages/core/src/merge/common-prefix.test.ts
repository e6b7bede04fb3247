import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonPrefixLength, firstMismatch } from './common-prefix.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function naivePrefix(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) if (a[i] !== b[i]) return i;
  return shorter;
}

/** Splits `bytes` at the given cut points (clamped and sorted). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

describe('commonPrefixLength (P test_memprefix)', () => {
  it('finds a mutation deep in long equal runs', () => {
    const a = ascii('1'.repeat(40_000) + '0'.repeat(20_000));
    const b = ascii('1'.repeat(39_876) + '2' + '1'.repeat(133) + '0'.repeat(20_000));
    expect(commonPrefixLength([a], [b])).toBe(39_876);
  });

  it('is bounded by the shorter sequence', () => {
    expect(commonPrefixLength([ascii('1'.repeat(10))], [ascii('1'.repeat(14))])).toBe(10);
    expect(commonPrefixLength([], [ascii('1')])).toBe(0);
  });

  it('compares from a start offset when given the slices from there', () => {
    const a = ascii('11111' + '22222');
    const b = ascii('0000000' + '222');
    expect(7 + commonPrefixLength([a.subarray(7)], [b.subarray(7)])).toBe(10);
  });

  it('agrees with a byte loop whatever the chunking', () => {
    const sample = fc.uint8Array({ minLength: 0, maxLength: 3000 });
    fc.assert(
      fc.property(
        sample,
        fc.nat(3000),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        (base, mutateAt, value, cutsA, cutsB) => {
          const other = base.slice(0, Math.max(0, base.length - (mutateAt % 7)));
          if (mutateAt < other.length) other[mutateAt] = value;
          const expected = naivePrefix(base, other);
          expect(commonPrefixLength(split(base, cutsA), split(other, cutsB))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('firstMismatch', () => {
  it('finds the first differing byte of equally long arrays at every position', () => {
    const a = new Uint8Array(1000).fill(5);
    expect(firstMismatch(a, a.slice())).toBe(1000);
    for (const at of [0, 1, 31, 32, 33, 500, 998, 999]) {
      const b = a.slice();
      b[at] = 6;
      b[999] = 7;
      expect(firstMismatch(a, b)).toBe(at);
    }
  });
});
