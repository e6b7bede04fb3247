import { describe, expect, it } from 'vitest';
import {
  BlockLeaseError,
  BlockPool,
  leaseCount,
  POISON_BYTE,
  releaseBlock,
  retainBlock,
} from './block-pool.js';

describe('BlockPool', () => {
  it('hands a block out again only once its last lease ends, poisoned when asked to', () => {
    const pool = new BlockPool({ poison: true });
    const block = pool.take(1024);
    block.fill(7);
    retainBlock(block.subarray(10, 20));
    expect(leaseCount(block)).toBe(2);
    releaseBlock(block);
    expect(leaseCount(block)).toBe(1);
    // Still leased: a new take is a new block, and the bytes stay.
    expect(pool.take(1024)).not.toBe(block);
    expect(block.every((byte) => byte === 7)).toBe(true);
    releaseBlock(block.subarray(500));
    expect(leaseCount(block)).toBe(0);
    expect(block.every((byte) => byte === POISON_BYTE)).toBe(true);
    expect(pool.freeBytes).toBe(1024);
    expect(pool.take(1024)).toBe(block);
    expect(pool.counts).toEqual({ taken: 3, reused: 1, returned: 1 });
    expect(pool.freeBytes).toBe(0);
  });

  it('refuses a release beyond the leases and a lease on a free block', () => {
    const pool = new BlockPool();
    const block = pool.take(256);
    releaseBlock(block);
    expect(() => {
      releaseBlock(block);
    }).toThrow(BlockLeaseError);
    expect(() => {
      retainBlock(block);
    }).toThrow(BlockLeaseError);
  });

  it('ignores memory that is not its own', () => {
    const plain = new Uint8Array(1024);
    retainBlock(plain);
    releaseBlock(plain);
    releaseBlock(plain);
    expect(leaseCount(plain)).toBeUndefined();
  });

  it('keeps at most maxFreeBytes of free blocks, by size class', () => {
    const pool = new BlockPool({ maxFreeBytes: 3 * 1024 });
    const blocks = [pool.take(1024), pool.take(1024), pool.take(2048), pool.take(1024)];
    for (const block of blocks) releaseBlock(block);
    // 1024 + 1024 kept, 2048 would pass the bound, the last 1024 fits.
    expect(pool.freeBytes).toBe(3 * 1024);
    expect(leaseCount(blocks[2] as Uint8Array)).toBeUndefined();
    expect(pool.take(2048)).not.toBe(blocks[2]);
    const kept = [blocks[0], blocks[1], blocks[3]];
    const again = [pool.take(1024), pool.take(1024), pool.take(1024)];
    expect(again.filter((block) => kept.includes(block))).toHaveLength(3);
  });

  it('lets go, at each trim, of the free blocks that no take needed since the last one', () => {
    const pool = new BlockPool();
    const blocks = [pool.take(1024), pool.take(1024), pool.take(1024), pool.take(4096)];
    for (const block of blocks) releaseBlock(block);
    // Nothing was free before: nothing went unused yet.
    expect(pool.trim()).toBe(0);
    releaseBlock(pool.take(1024));
    // Of the three 1 KiB blocks two stayed free all along, and the 4 KiB one.
    expect(pool.trim()).toBe(2 * 1024 + 4096);
    expect(pool.freeBytes).toBe(1024);
    expect(pool.trim()).toBe(1024);
    expect(pool.freeBytes).toBe(0);
    expect(leaseCount(blocks[3] as Uint8Array)).toBeUndefined();
  });

  it('hands out only powers of two from 256 bytes to 64 KiB', () => {
    const pool = new BlockPool();
    expect(pool.take(65_536).length).toBe(65_536);
    for (const size of [0, 128, 300, 131_072]) expect(() => pool.take(size)).toThrow(RangeError);
  });
});
