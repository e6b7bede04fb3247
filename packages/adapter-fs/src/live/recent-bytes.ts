/** Blocks of this size hold the bytes; a view never spans two. */
const BLOCK_BYTES = 16 * 1024;

/**
 * The recent end of an append-only byte stream in memory, [start, end): copied into fixed blocks
 * (compact however small the appends), read as views that stay valid (stored bytes never change),
 * and dropped from the front as they are no longer needed.
 */
export class RecentBytes {
  readonly #blocks: Uint8Array[] = [];
  /** The block number (offset / BLOCK_BYTES) of `#blocks[0]`. */
  #firstBlock: number;
  #start: number;
  #end: number;

  constructor(start = 0) {
    this.#start = start;
    this.#end = start;
    this.#firstBlock = Math.floor(start / BLOCK_BYTES);
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  /** Copies `bytes` in at the end. */
  append(bytes: Uint8Array): void {
    for (let copied = 0; copied < bytes.length;) {
      const within = this.#end % BLOCK_BYTES;
      const count = Math.min(bytes.length - copied, BLOCK_BYTES - within);
      const index = Math.floor(this.#end / BLOCK_BYTES) - this.#firstBlock;
      let block = this.#blocks[index];
      if (block === undefined) {
        block = new Uint8Array(BLOCK_BYTES);
        this.#blocks[index] = block;
      }
      block.set(bytes.subarray(copied, copied + count), within);
      copied += count;
      this.#end += count;
    }
  }

  /** The bytes in [from, to) as views, in order. RangeError outside [start, end]. */
  read(from: number, to: number): Uint8Array[] {
    if (from < this.#start || from > to || to > this.#end) {
      throw new RangeError(
        `bytes [${from}, ${to}) are outside the ones in memory, [${this.#start}, ${this.#end})`,
      );
    }
    const views: Uint8Array[] = [];
    for (let offset = from; offset < to;) {
      const blockNumber = Math.floor(offset / BLOCK_BYTES);
      const blockStart = blockNumber * BLOCK_BYTES;
      const until = Math.min(to, blockStart + BLOCK_BYTES);
      const block = this.#blocks[blockNumber - this.#firstBlock] as Uint8Array;
      views.push(block.subarray(offset - blockStart, until - blockStart));
      offset = until;
    }
    return views;
  }

  /** Forgets the bytes before `offset` (views handed out stay valid). */
  discardBefore(offset: number): void {
    const start = Math.min(Math.max(offset, this.#start), this.#end);
    this.#start = start;
    const firstKept = Math.floor(start / BLOCK_BYTES);
    if (firstKept > this.#firstBlock) {
      this.#blocks.splice(0, firstKept - this.#firstBlock);
      this.#firstBlock = firstKept;
    }
  }
}
