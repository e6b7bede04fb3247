import { compactFront, pieceAt, releaseBlock, retainBlock } from '@faf-replay/core';

const EMPTY = new Uint8Array(0);

/**
 * The recent end of an append-only byte stream in memory, [start, end): the appended arrays are
 * kept as they are, not copied (the merge hands over views of its own blocks), and dropped from
 * the front as they are no longer needed. A kept array that lies in a pooled block holds a lease
 * on it until dropped, so its bytes stay; a view `read` returns is valid until the bytes are
 * dropped (`discardBefore`): whoever keeps one longer copies it.
 */
export class RecentBytes {
  readonly #pieces: Uint8Array[] = [];
  /** The offset of each piece's first byte. */
  readonly #starts: number[] = [];
  /** Pieces before this index are dropped (the arrays are compacted now and then). */
  #first = 0;
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

  /** Keeps `bytes` at the end, without copying: they must not change while kept (a lease keeps pooled ones). */
  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    retainBlock(bytes);
    this.#pieces.push(bytes);
    this.#starts.push(this.#end);
    this.#end += bytes.length;
  }

  /** The bytes in [from, to) as views, in order. RangeError outside [start, end]. */
  read(from: number, to: number): Uint8Array[] {
    if (from < this.#start || from > to || to > this.#end) {
      throw new RangeError(
        `bytes [${from}, ${to}) are outside the ones in memory, [${this.#start}, ${this.#end})`,
      );
    }
    const views: Uint8Array[] = [];
    for (let index = this.#locate(from), offset = from; offset < to; index++) {
      const piece = this.#pieces[index] as Uint8Array;
      const pieceStart = this.#starts[index] as number;
      const until = Math.min(to, pieceStart + piece.length);
      views.push(
        offset === pieceStart && until === pieceStart + piece.length
          ? piece
          : piece.subarray(offset - pieceStart, until - pieceStart),
      );
      offset = until;
    }
    return views;
  }

  /** Forgets the bytes before `offset`, and ends the leases of the pieces wholly before it. */
  discardBefore(offset: number): void {
    this.#start = Math.min(Math.max(offset, this.#start), this.#end);
    while (this.#first < this.#pieces.length) {
      const piece = this.#pieces[this.#first] as Uint8Array;
      if ((this.#starts[this.#first] as number) + piece.length > this.#start) break;
      this.#pieces[this.#first++] = EMPTY;
      releaseBlock(piece);
    }
    this.#first = compactFront(this.#pieces, this.#starts, this.#first);
  }

  /** The index of the piece holding `offset` (a held offset, or the end). */
  #locate(offset: number): number {
    return pieceAt(this.#starts, this.#first, offset);
  }
}
