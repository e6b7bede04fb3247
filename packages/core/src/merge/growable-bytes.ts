import type { BlockPool } from './block-pool.js';
import { MAX_POOLED_BLOCK_BYTES, MIN_POOLED_BLOCK_BYTES, releaseBlock } from './block-pool.js';
import { compactFront, pieceAt } from './piece-starts.js';

const EMPTY = new Uint8Array(0);
/** A branch whose bytes are all decided keeps its last block only if it is at most this large. */
const KEPT_IDLE_BLOCK_BYTES = 16 * 1024;

/**
 * A window [start, end) of an append-only byte sequence, in blocks that are never moved or
 * regrown: a byte is copied in once, and `discardBefore` drops whole blocks from the front. A new
 * block is about as large as the bytes held (256 bytes to 64 KiB), so memory stays within about
 * twice the bytes held. Offsets are absolute. A stored byte is never overwritten while its block
 * is held.
 *
 * Without a pool, blocks are plain arrays: a view stays valid for as long as anyone holds it.
 * With a pool, blocks are leased from it and given back as they are dropped (`discardBefore`,
 * `dispose`): a view is then valid until that, and whoever keeps one longer takes a lease of
 * its own (`retainBlock`), as the log does with the views the merge hands it.
 */
export class GrowableBytes {
  readonly #blocks: Uint8Array[] = [];
  /** The offset of each block's first byte. */
  readonly #starts: number[] = [];
  /** Blocks before this index are dropped (the arrays are compacted now and then). */
  #first = 0;
  #start: number;
  #end: number;
  readonly #pool: BlockPool | undefined;
  #disposed = false;

  constructor(start = 0, pool?: BlockPool) {
    this.#start = start;
    this.#end = start;
    this.#pool = pool;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  append(bytes: Uint8Array): void {
    if (this.#disposed) throw new RangeError('bytes appended after dispose');
    for (let copied = 0; copied < bytes.length;) {
      const last = this.#blocks.length - 1;
      const block = this.#blocks[last];
      const used = this.#end - (this.#starts[last] ?? this.#end);
      if (block === undefined || used === block.length || last < this.#first) {
        this.#addBlock(bytes.length - copied);
        continue;
      }
      const count = Math.min(bytes.length - copied, block.length - used);
      block.set(count === bytes.length ? bytes : bytes.subarray(copied, copied + count), used);
      copied += count;
      this.#end += count;
    }
  }

  byteAt(offset: number): number {
    this.#check(offset, offset + 1);
    const index = this.#locate(offset);
    return (this.#blocks[index] as Uint8Array)[offset - (this.#starts[index] as number)] as number;
  }

  /** The longest run of the bytes in [from, to) that starts at `from` and lies in one block, as a view. */
  run(from: number, to: number): Uint8Array {
    this.#check(from, to);
    if (from === to) return EMPTY;
    const index = this.#locate(from);
    const blockStart = this.#starts[index] as number;
    const block = this.#blocks[index] as Uint8Array;
    return block.subarray(from - blockStart, Math.min(to, blockStart + block.length) - blockStart);
  }

  /** The bytes in [from, to), as views in order (valid until the next change). */
  views(from: number, to: number): Uint8Array[] {
    const views: Uint8Array[] = [];
    for (let offset = from; offset < to;) {
      const view = this.run(offset, to);
      views.push(view);
      offset += view.length;
    }
    if (views.length === 0) this.#check(from, to);
    return views;
  }

  /** Drops the bytes below `offset` (capped at the end). Never moves backwards. */
  discardBefore(offset: number): void {
    const target = Math.min(offset, this.#end);
    if (target <= this.#start) return;
    this.#start = target;
    while (this.#first < this.#blocks.length - 1 && (this.#starts[this.#first + 1] as number) <= target) {
      this.#dropFirst();
    }
    const last = this.#blocks.length - 1;
    if (this.#start === this.#end && this.#lengthOf(last) > KEPT_IDLE_BLOCK_BYTES) this.#dropFirst();
    this.#first = compactFront(this.#blocks, this.#starts, this.#first);
  }

  /** Drops every byte and gives every block back: nothing may be read or appended afterwards. */
  dispose(): void {
    while (this.#first < this.#blocks.length) this.#dropFirst();
    this.#start = this.#end;
    this.#disposed = true;
  }

  #dropFirst(): void {
    const block = this.#blocks[this.#first] as Uint8Array;
    this.#blocks[this.#first++] = EMPTY;
    if (this.#pool !== undefined) releaseBlock(block);
  }

  /** A new last block for at least part of `wanted` bytes, sized after the bytes held. */
  #addBlock(wanted: number): void {
    const held = this.#end - this.#start;
    let size = MIN_POOLED_BLOCK_BYTES;
    while (size < MAX_POOLED_BLOCK_BYTES && (size < held || size < wanted)) size *= 2;
    this.#blocks.push(this.#pool === undefined ? new Uint8Array(size) : this.#pool.take(size));
    this.#starts.push(this.#end);
  }

  #lengthOf(index: number): number {
    return index < this.#first ? 0 : (this.#blocks[index]?.length ?? 0);
  }

  /** The index of the live block holding `offset` (a held offset). */
  #locate(offset: number): number {
    return pieceAt(this.#starts, this.#first, offset);
  }

  #check(from: number, to: number): void {
    if (from > to || from < this.#start || to > this.#end) {
      throw new RangeError(`bytes [${from}, ${to}) are not held: held [${this.#start}, ${this.#end})`);
    }
  }
}
