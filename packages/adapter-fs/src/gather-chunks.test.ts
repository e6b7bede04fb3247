import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatherChunks } from './gather-chunks.js';

async function gathered(chunks: Iterable<Uint8Array>, bytes: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of gatherChunks(chunks, bytes)) out.push(chunk);
  return out;
}

/**
 * The chunks: those shorter than `bytes` lent from one buffer that is scrambled as soon as the
 * next is asked for, the longer ones fresh (they are handed on, so they must not change).
 */
function* lent(lengths: readonly number[], bytes: number): Generator<Uint8Array, void, undefined> {
  const buffer = new Uint8Array(Math.max(1, ...lengths));
  let value = 0;
  for (const length of lengths) {
    const chunk = length < bytes ? buffer.subarray(0, length) : new Uint8Array(length);
    for (let i = 0; i < length; i++) chunk[i] = value++ & 0xff;
    yield chunk;
    buffer.fill(0xee);
  }
}

function expected(lengths: readonly number[]): Uint8Array {
  const total = lengths.reduce((sum, length) => sum + length, 0);
  return Uint8Array.from({ length: total }, (_, i) => i & 0xff);
}

describe('gatherChunks', () => {
  it('gathers 10,000 one-byte chunks into 256-byte copies', async () => {
    const lengths = Array.from({ length: 10_000 }, () => 1);
    const out = await gathered(lent(lengths, 256), 256);
    expect(out.map((chunk) => chunk.length)).toEqual([...Array.from({ length: 39 }, () => 256), 16]);
    expect(Buffer.concat(out).equals(expected(lengths))).toBe(true);
  });

  it('passes a long chunk on as it is, after what it gathered before', async () => {
    const long = new Uint8Array(1000);
    const out = await gathered([Uint8Array.of(1, 2), long, Uint8Array.of(3)], 100);
    expect(out.map((chunk) => chunk.length)).toEqual([2, 1000, 1]);
    expect(out[1]).toBe(long);
  });

  it('keeps the bytes and their order for any chunking; only the last gathered copy is short', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(300), { maxLength: 60 }),
        fc.integer({ min: 1, max: 200 }),
        async (lengths, bytes) => {
          const out = await gathered(lent(lengths, bytes), bytes);
          expect(Buffer.concat(out).equals(expected(lengths))).toBe(true);
          expect(out.every((chunk) => chunk.length > 0)).toBe(true);
          // A gathered copy is short only when the next chunk would not fit, or at the end.
          out.forEach((chunk, i) => {
            const next = out[i + 1];
            if (chunk.length < bytes && next !== undefined)
              expect(chunk.length + Math.min(next.length, bytes)).toBeGreaterThan(bytes);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
