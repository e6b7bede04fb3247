const ADVANCE = 0;
const FRAME_HEAD_BYTES = 3;
const ADVANCE_HEAD_BYTES = 7;

/**
 * When each byte of a recorded body was sent by the game: frames after the Advance that brings
 * the tick count to t belong to tick t, so the bytes before the first Advance ending after tick t
 * are due at tick t (10 ticks per second of game time). Built from a body that walks to its end;
 * a frame shorter than its own head throws.
 */
export class FrameSchedule {
  /** Body offset of each Advance frame, ascending. */
  readonly #advanceStarts: number[];
  /** Body offset just after each Advance frame. */
  readonly #advanceEnds: number[];
  /** Ticks counted once each Advance frame is applied, non-decreasing. */
  readonly #ticksAfter: number[];
  readonly bodyBytes: number;

  private constructor(starts: number[], ends: number[], ticksAfter: number[], bodyBytes: number) {
    this.#advanceStarts = starts;
    this.#advanceEnds = ends;
    this.#ticksAfter = ticksAfter;
    this.bodyBytes = bodyBytes;
  }

  static of(body: Uint8Array): FrameSchedule {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const starts: number[] = [];
    const ends: number[] = [];
    const ticksAfter: number[] = [];
    let ticks = 0;
    for (let at = 0; at + FRAME_HEAD_BYTES <= body.length;) {
      const size = view.getUint16(at + 1, true);
      if (size < FRAME_HEAD_BYTES) throw new RangeError(`corrupt body frame at ${at}`);
      if (view.getUint8(at) === ADVANCE && at + ADVANCE_HEAD_BYTES <= body.length) {
        ticks += view.getUint32(at + 3, true);
        starts.push(at);
        ends.push(Math.min(at + size, body.length));
        ticksAfter.push(ticks);
      }
      at += size;
    }
    return new FrameSchedule(starts, ends, ticksAfter, body.length);
  }

  get totalTicks(): number {
    return this.#ticksAfter.at(-1) ?? 0;
  }

  /** How many body bytes the game had sent by tick `tick`. */
  dueBytesAt(tick: number): number {
    const i = firstIndex(this.#ticksAfter, (ticksAfter) => ticksAfter > tick);
    return this.#advanceStarts[i] ?? this.bodyBytes;
  }

  /** The tick at which the body byte at `offset` was sent. */
  tickOf(offset: number): number {
    const i = firstIndex(this.#advanceStarts, (start) => start > offset) - 1;
    return i < 0 ? 0 : (this.#ticksAfter[i] ?? 0);
  }

  /** `tickEnds[t]`: the body offset just after the Advance frame that ends tick `t` (0-based). */
  tickEnds(): Uint32Array {
    const ends = new Uint32Array(this.totalTicks);
    let tick = 0;
    this.#ticksAfter.forEach((ticksAfter, i) => {
      ends.fill(this.#advanceEnds[i] ?? 0, tick, ticksAfter);
      tick = ticksAfter;
    });
    return ends;
  }
}

/** The first index whose value passes `test` (which must be monotonic), or the length. */
function firstIndex(values: readonly number[], test: (value: number) => boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(values[middle] ?? 0)) high = middle;
    else low = middle + 1;
  }
  return low;
}
