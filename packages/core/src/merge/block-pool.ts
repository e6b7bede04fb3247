/** The block sizes a pool hands out: powers of two from 256 bytes to 64 KiB. */
export const MIN_POOLED_BLOCK_BYTES = 256;
export const MAX_POOLED_BLOCK_BYTES = 64 * 1024;

/** What a freed block is filled with when the pool poisons: no replay byte pattern looks like it for long. */
export const POISON_BYTE = 0xdb;

export interface BlockPoolOptions {
  /**
   * Overwrite every block that comes back with POISON_BYTE: a holder that still reads a block
   * after letting it go (a broken lease) then sees corrupt bytes, which tests that compare bytes
   * catch. For tests and debugging; it costs a fill per freed block.
   */
  readonly poison?: boolean;
  /** The most bytes of free blocks kept for reuse; more are left to the garbage collector. */
  readonly maxFreeBytes?: number;
}

/** A lease count gone wrong: a block was let go more often than it was taken. A bug. */
export class BlockLeaseError extends Error {
  override readonly name = 'BlockLeaseError';
}

interface Lease {
  readonly block: Uint8Array;
  /** Its pool's way back in, called when the count reaches 0. */
  readonly giveBack: (lease: Lease) => void;
  /** Holders; 0 while the block is free in its pool. */
  count: number;
}

/**
 * The leases of every pooled block, by its buffer. Weak: a block whose holders forget to let go
 * is collected like any array, so a missed release costs memory for a while, never bytes.
 */
const leases = new WeakMap<ArrayBufferLike, Lease>();

/**
 * Fixed-size blocks that are reused rather than left to the garbage collector. A block that
 * outlives V8's young generation (the merge's bytes wait for the delay) is freed only by a full
 * collection, so until one the process holds dead blocks (V8 starts one after about 64 MB more
 * array buffers), and each new block is memory faulted in page by page when first written. A
 * pool returns each block the moment its last holder lets go, and hands it out again while its
 * pages are still resident. `trim` lets go of what a burst took once it is over.
 *
 * A block is taken with one lease (its taker's). Anyone else who keeps a view of it past the
 * call that handed it over takes a lease with `retainBlock` and ends it with `releaseBlock`;
 * when the last lease ends the block is free, and its bytes may change at any time after.
 */
export class BlockPool {
  readonly #poison: boolean;
  readonly #maxFreeBytes: number;
  /** Free blocks by size class (log2 of the size minus 8). */
  readonly #free: Uint8Array[][] = [];
  /** By size class: the fewest free blocks since the last `trim` (those never needed meanwhile). */
  readonly #lowWater: number[] = [];
  #freeBytes = 0;
  #taken = 0;
  #reused = 0;
  #returned = 0;
  readonly #giveBack = (lease: Lease): void => {
    const { block } = lease;
    this.#returned++;
    if (this.#poison) block.fill(POISON_BYTE);
    if (this.#freeBytes + block.length > this.#maxFreeBytes) {
      leases.delete(block.buffer);
      return;
    }
    (this.#free[sizeClass(block.length)] as Uint8Array[]).push(block);
    this.#freeBytes += block.length;
  };

  constructor(options: BlockPoolOptions = {}) {
    const maxFreeBytes = options.maxFreeBytes ?? 32 * 1024 * 1024;
    if (!Number.isSafeInteger(maxFreeBytes) || maxFreeBytes < 0)
      throw new RangeError(`invalid maxFreeBytes ${maxFreeBytes}`);
    this.#poison = options.poison ?? false;
    this.#maxFreeBytes = maxFreeBytes;
    for (let size = MIN_POOLED_BLOCK_BYTES; size <= MAX_POOLED_BLOCK_BYTES; size *= 2) {
      this.#free.push([]);
      this.#lowWater.push(0);
    }
  }

  /** Bytes of free blocks held for reuse. */
  get freeBytes(): number {
    return this.#freeBytes;
  }

  /**
   * Blocks handed out so far, how many of them were reused ones, and how many came back (their
   * last lease ended). Taken minus returned: blocks held now, or leaked to the garbage collector.
   */
  get counts(): { readonly taken: number; readonly reused: number; readonly returned: number } {
    return { taken: this.#taken, reused: this.#reused, returned: this.#returned };
  }

  /**
   * A block of `size` bytes (a power of two in [256, 64 KiB]), leased once to the caller. Its
   * bytes are whatever they were: a holder reads only what it wrote.
   */
  take(size: number): Uint8Array {
    const sizeIndex = sizeClass(size);
    const free = this.#free[sizeIndex] as Uint8Array[];
    this.#taken++;
    const reused = free.pop();
    if (reused === undefined) {
      const block = new Uint8Array(size);
      leases.set(block.buffer, { block, giveBack: this.#giveBack, count: 1 });
      return block;
    }
    this.#reused++;
    this.#freeBytes -= size;
    if (free.length < (this.#lowWater[sizeIndex] as number)) this.#lowWater[sizeIndex] = free.length;
    (leases.get(reused.buffer) as Lease).count = 1;
    return reused;
  }

  /**
   * Lets go of the free blocks that were not needed since the last trim (in each size class, as
   * many as were free all along), so that memory taken in a burst goes back once the burst is
   * over; they are left to the garbage collector. Returns the bytes let go.
   */
  trim(): number {
    let dropped = 0;
    this.#free.forEach((free, sizeIndex) => {
      for (let surplus = this.#lowWater[sizeIndex] as number; surplus > 0; surplus--) {
        const block = free.pop() as Uint8Array;
        leases.delete(block.buffer);
        dropped += block.length;
      }
      this.#lowWater[sizeIndex] = free.length;
    });
    this.#freeBytes -= dropped;
    return dropped;
  }
}

/** Takes a lease on the pooled block that `view` lies in; nothing for memory not from a pool. */
export function retainBlock(view: Uint8Array): void {
  const lease = leases.get(view.buffer);
  if (lease === undefined) return;
  if (lease.count <= 0) throw new BlockLeaseError('a free pooled block was retained');
  lease.count++;
}

/**
 * Ends a lease taken with `retainBlock` (or `take`) on the block `view` lies in; nothing for
 * memory not from a pool. The caller must not read the view afterwards.
 */
export function releaseBlock(view: Uint8Array): void {
  const lease = leases.get(view.buffer);
  if (lease === undefined) return;
  if (lease.count <= 0) throw new BlockLeaseError('a pooled block was released more often than leased');
  lease.count--;
  if (lease.count === 0) lease.giveBack(lease);
}

/** How many leases the pooled block that `view` lies in has (0: free); undefined if not pooled. */
export function leaseCount(view: Uint8Array): number | undefined {
  return leases.get(view.buffer)?.count;
}

function sizeClass(size: number): number {
  if (size < MIN_POOLED_BLOCK_BYTES || size > MAX_POOLED_BLOCK_BYTES || (size & (size - 1)) !== 0) {
    throw new RangeError(`a pooled block is a power of two in [256, 65536] bytes, not ${size}`);
  }
  return Math.log2(size) - 8;
}
