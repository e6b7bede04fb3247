/**
 * An append-only byte sequence held as the chunks it was given, with discard of a prefix.
 * Offsets are absolute: they keep counting from the first byte ever appended.
 *
 * Discarding beyond the end is allowed: bytes appended later below the discard point are
 * counted in `length` but not kept (a diverged writer keeps arriving data without holding it).
 */
export class ChunkedBytes {
  // Chunks from #head on are live; the dead prefix is compacted away once it is the larger half.
  #chunks: Uint8Array[] = [];
  #chunkStarts: number[] = [];
  #head = 0;
  #length = 0;
  #start = 0;

  /** The logical end: total bytes ever appended. */
  get length(): number {
    return this.#length;
  }

  /** The first offset still held: everything below it was discarded. May exceed `length`. */
  get start(): number {
    return this.#start;
  }

  /** Takes the chunk as is, without copying it: the caller must not mutate it afterwards. */
  append(bytes: Uint8Array): void {
    const end = this.#length + bytes.length;
    if (end > this.#start && bytes.length > 0) {
      const skipped = Math.max(0, this.#start - this.#length);
      this.#chunks.push(skipped > 0 ? bytes.subarray(skipped) : bytes);
      this.#chunkStarts.push(this.#length + skipped);
    }
    this.#length = end;
  }

  /** Drops every byte below `offset`. Never moves backwards. */
  discardBefore(offset: number): void {
    if (offset <= this.#start) return;
    this.#start = offset;
    while (this.#head < this.#chunks.length && this.#chunkEnd(this.#head) <= offset) {
      this.#head++;
    }
    if (this.#head > 0 && this.#head * 2 >= this.#chunks.length) this.#compact();
  }

  byteAt(offset: number): number {
    this.#checkRange(offset, offset + 1);
    const index = this.#chunkIndexOf(offset);
    const chunk = this.#chunks[index] as Uint8Array;
    return chunk[offset - (this.#chunkStarts[index] as number)] as number;
  }

  /** Views of the bytes in [from, to), in order, without copying. */
  slices(from: number, to: number): Uint8Array[] {
    this.#checkRange(from, to);
    const views: Uint8Array[] = [];
    if (from === to) return views;
    for (let index = this.#chunkIndexOf(from); index < this.#chunks.length; index++) {
      const chunkStart = this.#chunkStarts[index] as number;
      if (chunkStart >= to) break;
      const chunk = this.#chunks[index] as Uint8Array;
      views.push(chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart)));
    }
    return views;
  }

  #checkRange(from: number, to: number): void {
    if (from > to || from < this.#start || to > this.#length) {
      throw new RangeError(`bytes [${from}, ${to}) are not held: held [${this.#start}, ${this.#length})`);
    }
  }

  #chunkEnd(index: number): number {
    return (this.#chunkStarts[index] as number) + (this.#chunks[index] as Uint8Array).length;
  }

  /** The live chunk holding `offset`, by binary search: O(log chunks). */
  #chunkIndexOf(offset: number): number {
    let low = this.#head;
    let high = this.#chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((this.#chunkStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  #compact(): void {
    this.#chunks = this.#chunks.slice(this.#head);
    this.#chunkStarts = this.#chunkStarts.slice(this.#head);
    this.#head = 0;
  }
}
