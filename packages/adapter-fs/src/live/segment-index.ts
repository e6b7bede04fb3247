/**
 * Where each canonical segment starts, in the stream and in the log file: two growable arrays of
 * doubles (16 bytes a segment, not an object each), searched by bisection.
 */
export class SegmentIndex {
  #starts: Float64Array = new Float64Array(64);
  #positions: Float64Array = new Float64Array(64);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Adds the next segment, starting at stream offset `start`; its file position comes later. */
  add(start: number): number {
    if (this.#count === this.#starts.length) {
      this.#starts = grown(this.#starts);
      this.#positions = grown(this.#positions);
    }
    this.#starts[this.#count] = start;
    this.#positions[this.#count] = Number.NaN;
    return this.#count++;
  }

  place(segment: number, filePosition: number): void {
    this.#positions[segment] = filePosition;
  }

  start(segment: number): number | undefined {
    return Number.isInteger(segment) && segment >= 0 && segment < this.#count
      ? this.#starts[segment]
      : undefined;
  }

  /** Where segment `segment`'s bytes start in the file (NaN until written). */
  position(segment: number): number {
    return this.#positions[segment] ?? Number.NaN;
  }

  /** The segment holding stream offset `offset` (which must be committed). */
  locate(offset: number): number {
    let low = 0;
    let high = this.#count - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.#starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

function grown(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
