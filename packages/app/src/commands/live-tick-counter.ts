const ADVANCE = 0;
const FRAME_HEAD_BYTES = 3;
const ADVANCE_HEAD_BYTES = 7;

/**
 * A running sum of Advance ticks over body chunks split anywhere, for progress lines. It does not
 * validate: the final word on a body is core's `BodyFrameWalker`, which only answers at the end.
 */
export class LiveTickCounter {
  #ticks = 0;
  /** Bytes of the current frame still to pass over. */
  #skipLeft = 0;
  readonly #head = new Uint8Array(ADVANCE_HEAD_BYTES);
  #headLength = 0;

  get ticks(): number {
    return this.#ticks;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#skipLeft > 0) {
        const skipped = Math.min(this.#skipLeft, chunk.length - at);
        this.#skipLeft -= skipped;
        at += skipped;
      } else {
        at = this.#readHead(chunk, at);
      }
    }
  }

  #readHead(chunk: Uint8Array, start: number): number {
    const head = this.#head;
    const needed = this.#headLength >= 1 && head[0] === ADVANCE ? ADVANCE_HEAD_BYTES : FRAME_HEAD_BYTES;
    const taken = Math.min(needed - this.#headLength, chunk.length - start);
    head.set(chunk.subarray(start, start + taken), this.#headLength);
    this.#headLength += taken;
    if (this.#headLength < needed) return start + taken;
    const size = (head[1] ?? 0) | ((head[2] ?? 0) << 8);
    if (head[0] === ADVANCE && needed === FRAME_HEAD_BYTES && size >= ADVANCE_HEAD_BYTES)
      return start + taken;
    if (head[0] === ADVANCE && needed === ADVANCE_HEAD_BYTES) {
      this.#ticks += new DataView(head.buffer).getUint32(3, true);
    }
    this.#skipLeft = Math.max(size - this.#headLength, 0);
    this.#headLength = 0;
    return start + taken;
  }
}
