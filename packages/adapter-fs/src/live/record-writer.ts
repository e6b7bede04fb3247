/**
 * Encodes records into parts ready for one `writev`: small fields are packed into shared chunks,
 * and large byte arrays are referenced as parts of their own (not copied), so that a frame holding
 * a 256 KiB segment costs no extra copy of it.
 */
export class RecordWriter {
  /** Byte arrays at least this long are referenced rather than copied. */
  static readonly referenceBytes = 512;
  readonly #parts: Uint8Array[] = [];
  #chunk = new Uint8Array(1_024);
  #chunkUsed = 0;
  #flushedBytes = 0;

  /** Bytes encoded so far. */
  get length(): number {
    return this.#flushedBytes + this.#chunkUsed;
  }

  u8(value: number): void {
    this.#room(1);
    this.#chunk[this.#chunkUsed++] = value;
  }

  /** An unsigned LEB128 integer: any safe non-negative integer. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
    this.#room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#chunk[this.#chunkUsed++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#chunk[this.#chunkUsed++] = rest;
  }

  /** A signed integer (zigzag, then varint): small deltas either way stay small. */
  signed(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** `bytes` as they are; large ones are referenced, so they must not change until written. */
  bytes(bytes: Uint8Array): void {
    if (bytes.length < RecordWriter.referenceBytes) {
      this.#room(bytes.length);
      this.#chunk.set(bytes, this.#chunkUsed);
      this.#chunkUsed += bytes.length;
      return;
    }
    this.#closeChunk();
    this.#parts.push(bytes);
    this.#flushedBytes += bytes.length;
  }

  /** The encoded bytes, as parts in order. The writer must not be used afterwards. */
  finish(): Uint8Array[] {
    this.#closeChunk();
    return this.#parts;
  }

  #room(bytes: number): void {
    if (this.#chunkUsed + bytes <= this.#chunk.length) return;
    this.#closeChunk();
    if (this.#chunk.length < bytes) this.#chunk = new Uint8Array(Math.max(1_024, bytes));
  }

  #closeChunk(): void {
    if (this.#chunkUsed === 0) return;
    this.#parts.push(this.#chunk.subarray(0, this.#chunkUsed));
    this.#flushedBytes += this.#chunkUsed;
    this.#chunk = this.#chunk.subarray(this.#chunkUsed);
    this.#chunkUsed = 0;
    if (this.#chunk.length < 64) this.#chunk = new Uint8Array(1_024);
  }
}
