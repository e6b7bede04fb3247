const EMPTY = new Uint8Array(0);
/** The first block of a sequence; each next one at least doubles, up to `MAX_BLOCK_BYTES`. */
const MIN_BLOCK_BYTES = 256;
const MAX_BLOCK_BYTES = 64 * 1024;

/**
 * Bytes appended in place into blocks that are never moved or regrown: a byte is copied once
 * (a doubling buffer copies each byte about twice more and allocates twice the bytes it holds),
 * the blocks are written with one `writev`, and a small batch holds a small block. Block sizes
 * double from 256 bytes up to 64 KiB, and a large append starts with a block of its size.
 */
export class BlockBytes {
  readonly #full: Uint8Array[] = [];
  #last: Uint8Array = EMPTY;
  #lastUsed = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  append(bytes: Uint8Array): void {
    for (let copied = 0; copied < bytes.length;) {
      if (this.#lastUsed === this.#last.length) this.#newBlock(bytes.length - copied);
      const count = Math.min(bytes.length - copied, this.#last.length - this.#lastUsed);
      this.#last.set(
        copied === 0 && count === bytes.length ? bytes : bytes.subarray(copied, copied + count),
        this.#lastUsed,
      );
      this.#lastUsed += count;
      copied += count;
    }
    this.#length += bytes.length;
  }

  /** The bytes, in order, as views of the blocks (valid as long as nothing is appended). */
  views(): Uint8Array[] {
    if (this.#lastUsed === 0) return [...this.#full];
    return [...this.#full, this.#last.subarray(0, this.#lastUsed)];
  }

  #newBlock(wanted: number): void {
    if (this.#last.length > 0) this.#full.push(this.#last);
    let size = Math.max(MIN_BLOCK_BYTES, this.#last.length * 2);
    while (size < wanted && size < MAX_BLOCK_BYTES) size *= 2;
    this.#last = new Uint8Array(Math.min(size, MAX_BLOCK_BYTES));
    this.#lastUsed = 0;
  }
}
