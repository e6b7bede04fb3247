/** Logical block size: offset → block is one division, so a read never scans. */
export const blockBytes = 64 * 1024;
const firstCapacityBytes = 4 * 1024;

/**
 * Append-only bytes in memory, copied into 64 KiB blocks: compact however small the appends,
 * and read as a few large views that stay valid (stored bytes never change).
 *
 * The first block starts small and doubles up to 64 KiB, so a short game does not hold 64 KiB. A
 * grown block is a copy; views of the old one stay valid because stored bytes never change.
 */
export class BlockBytes {
  readonly #blocks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Copies `bytes` in: the caller may reuse its buffer afterwards. */
  append(bytes: Uint8Array): void {
    let copied = 0;
    while (copied < bytes.length) {
      const within = this.#length % blockBytes;
      const count = Math.min(bytes.length - copied, blockBytes - within);
      const block = this.#blockWithRoom(within + count);
      if (count === 1) block[within] = bytes[copied] as number;
      else block.set(bytes.subarray(copied, copied + count), within);
      copied += count;
      this.#length += count;
    }
  }

  /** The bytes in [from, to) as views, in order. RangeError outside [0, length]. */
  read(from: number, to: number): Uint8Array[] {
    if (from < 0 || from > to || to > this.#length) {
      throw new RangeError(`bytes [${from}, ${to}) are outside [0, ${this.#length})`);
    }
    const views: Uint8Array[] = [];
    for (let offset = from; offset < to;) {
      const index = Math.floor(offset / blockBytes);
      const blockStart = index * blockBytes;
      const end = Math.min(to, blockStart + blockBytes);
      views.push((this.#blocks[index] as Uint8Array).subarray(offset - blockStart, end - blockStart));
      offset = end;
    }
    return views;
  }

  /** The block that the next byte goes to, with room for `neededBytes` of it. */
  #blockWithRoom(neededBytes: number): Uint8Array {
    const index = Math.floor(this.#length / blockBytes);
    const block = this.#blocks[index];
    if (block !== undefined && block.length >= neededBytes) return block;
    let capacity = block?.length ?? (index === 0 ? firstCapacityBytes : blockBytes);
    while (capacity < neededBytes) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, blockBytes));
    if (block !== undefined) grown.set(block.subarray(0, this.#length - index * blockBytes));
    this.#blocks[index] = grown;
    return grown;
  }
}
