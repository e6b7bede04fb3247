const EMPTY = new Uint8Array(0);
const MIN_CAPACITY_BYTES = 256;

/**
 * A contiguous window [start, end) of an append-only byte sequence, in one growable buffer:
 * appends copy in (small chunks cost their bytes, not an object each), and `discardBefore` drops
 * a prefix. Offsets are absolute. Views are only valid until the next `append` or `discardBefore`
 * (the buffer may move): use them at once.
 */
export class GrowableBytes {
  #buffer: Uint8Array = EMPTY;
  /** Index in #buffer of the byte at offset #start. */
  #head = 0;
  #start: number;
  #end: number;

  constructor(start = 0) {
    this.#start = start;
    this.#end = start;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  /** Bytes of memory held (for accounting). */
  get capacity(): number {
    return this.#buffer.length;
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const used = this.#end - this.#start;
    if (this.#head + used + bytes.length > this.#buffer.length) this.#reserve(used + bytes.length);
    this.#buffer.set(bytes, this.#head + used);
    this.#end += bytes.length;
  }

  byteAt(offset: number): number {
    this.#check(offset, offset + 1);
    return this.#buffer[this.#head + offset - this.#start] as number;
  }

  /** The bytes in [from, to), as one view (valid until the next change). */
  view(from: number, to: number): Uint8Array {
    this.#check(from, to);
    return this.#buffer.subarray(this.#head + from - this.#start, this.#head + to - this.#start);
  }

  /** Drops the bytes below `offset` (capped at the end). Never moves backwards. */
  discardBefore(offset: number): void {
    const target = Math.min(offset, this.#end);
    if (target <= this.#start) return;
    this.#head += target - this.#start;
    this.#start = target;
    if (this.#start === this.#end) {
      this.#head = 0;
      if (this.#buffer.length > MIN_CAPACITY_BYTES * 64) this.#buffer = EMPTY;
    }
  }

  /** Room for `needed` live bytes from index 0: compacts, and grows by doubling. */
  #reserve(needed: number): void {
    const used = this.#end - this.#start;
    let capacity = Math.max(this.#buffer.length, MIN_CAPACITY_BYTES);
    while (capacity < needed) capacity *= 2;
    // Shrink when the live part is a small fraction of a large buffer (after a big discard).
    while (capacity > MIN_CAPACITY_BYTES && capacity >= needed * 4) capacity /= 2;
    if (capacity === this.#buffer.length) {
      this.#buffer.copyWithin(0, this.#head, this.#head + used);
    } else {
      const next = new Uint8Array(capacity);
      next.set(this.#buffer.subarray(this.#head, this.#head + used), 0);
      this.#buffer = next;
    }
    this.#head = 0;
  }

  #check(from: number, to: number): void {
    if (from > to || from < this.#start || to > this.#end) {
      throw new RangeError(`bytes [${from}, ${to}) are not held: held [${this.#start}, ${this.#end})`);
    }
  }
}
