import type { CanonicalStorage } from './canonical-storage.js';
import { StreamStateError } from './stream-state-error.js';

/** Logical block size: offset → block is one division, so a read never scans. */
export const canonicalBlockBytes = 64 * 1024;
const firstCapacityBytes = 4 * 1024;

/**
 * The canonical body in memory, copied into 64 KiB blocks: compact however small the appends
 * (a stalemate exit appends a single byte), and read as a few large views.
 *
 * The first block starts small and doubles up to 64 KiB, so a short game does not hold 64 KiB. A
 * grown block is a copy; views of the old one stay valid because stored bytes never change.
 */
export class MemoryCanonicalStorage implements CanonicalStorage {
  readonly #blocks: Uint8Array[] = [];
  #length = 0;
  #finished = false;

  get length(): number {
    return this.#length;
  }

  append(bytes: Uint8Array): void {
    if (this.#finished) throw new StreamStateError('canonical storage appended to after it finished');
    let copied = 0;
    while (copied < bytes.length) {
      const within = this.#length % canonicalBlockBytes;
      const count = Math.min(bytes.length - copied, canonicalBlockBytes - within);
      const block = this.#blockWithRoom(within + count);
      if (count === 1) block[within] = bytes[copied] as number;
      else block.set(bytes.subarray(copied, copied + count), within);
      copied += count;
      this.#length += count;
    }
  }

  read(from: number, to: number): Uint8Array[] {
    if (from < 0 || from > to || to > this.#length) {
      throw new RangeError(`canonical bytes [${from}, ${to}) are outside [0, ${this.#length})`);
    }
    const views: Uint8Array[] = [];
    for (let offset = from; offset < to;) {
      const index = Math.floor(offset / canonicalBlockBytes);
      const blockStart = index * canonicalBlockBytes;
      const end = Math.min(to, blockStart + canonicalBlockBytes);
      views.push((this.#blocks[index] as Uint8Array).subarray(offset - blockStart, end - blockStart));
      offset = end;
    }
    return views;
  }

  finish(): void {
    this.#finished = true;
  }

  /** The block that the next byte goes to, with room for `neededBytes` of it. */
  #blockWithRoom(neededBytes: number): Uint8Array {
    const index = Math.floor(this.#length / canonicalBlockBytes);
    const block = this.#blocks[index];
    if (block !== undefined && block.length >= neededBytes) return block;
    let capacity = block?.length ?? (index === 0 ? firstCapacityBytes : canonicalBlockBytes);
    while (capacity < neededBytes) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, canonicalBlockBytes));
    if (block !== undefined) grown.set(block.subarray(0, this.#length - index * canonicalBlockBytes));
    this.#blocks[index] = grown;
    return grown;
  }
}
