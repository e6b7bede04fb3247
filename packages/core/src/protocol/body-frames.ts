import { ProtocolUsageError } from './protocol-errors.js';

/** What a body walk found. Offsets are from the first body byte. */
export type BodySummary =
  | {
      readonly status: 'ok';
      /** Sum of the Advance (type 0) tick counts: `game_stats.replay_ticks`. */
      readonly ticks: number;
      readonly frames: number;
      readonly bodyBytes: number;
      /** Whether the last frame is EndGame (`17 03 00`): the game ended, not just its writer. */
      readonly endsWithEndGame: boolean;
      /** Frame count per command type (index 0..23). */
      readonly framesByType: readonly number[];
    }
  | {
      /** `corrupt`: a frame that cannot be valid; `truncated`: the last frame is cut short. */
      readonly status: 'corrupt' | 'truncated';
      /** Where the offending frame starts. */
      readonly offset: number;
      readonly reason: string;
      readonly bodyBytes: number;
      /** Complete frames and their ticks before `offset`. */
      readonly framesBefore: number;
      readonly ticksBefore: number;
    };

const CUT_SHORT = Object.freeze({ reason: 'the last frame is cut short' });
const ADVANCE = 0;
const END_GAME = 23;
const COMMAND_TYPES = 24;
const FRAME_HEAD_BYTES = 3;
/** An Advance frame's head plus its u32 tick count: what must be seen before it can be counted. */
const ADVANCE_HEAD_BYTES = 7;

/**
 * Walks body frames (`u8 type, u16 LE size including these 3 bytes, payload`) over chunks split
 * anywhere, without copying or allocating per frame: frames are read in place, and only a frame
 * head split across chunks is carried over (at most 7 bytes). Stricter than "size >= 3": an
 * unknown command type (> 23) or an Advance too short for its tick count is corrupt, since no SCFA
 * stream holds either.
 *
 * An empty body is `ok` with 0 ticks, as in the Rust server (production), which counts ticks of
 * any replay with a header; the Python server's NULL for it was an artefact of its "no data" check.
 * A header-only replay did run for 0 ticks, while NULL means "could not be counted".
 */
export class BodyFrameWalker {
  #bodyBytes = 0;
  /** Payload bytes of the current frame still to pass over. */
  #skipLeft = 0;
  readonly #carry = new Uint8Array(ADVANCE_HEAD_BYTES);
  readonly #carryView = new DataView(this.#carry.buffer);
  #carryLength = 0;
  #frameStart = 0;
  #ticks = 0;
  #lastFrameTicks = 0;
  #frames = 0;
  #lastType = -1;
  readonly #framesByType = new Uint32Array(COMMAND_TYPES);
  #failure: { readonly offset: number; readonly reason: string } | null = null;
  #summary: BodySummary | null = null;

  /** Ticks of the Advance frames walked so far: a running count for progress, before `finish()`. */
  get ticksSoFar(): number {
    return this.#ticks;
  }

  push(chunk: Uint8Array): void {
    if (this.#summary !== null) throw new ProtocolUsageError('BodyFrameWalker fed after finish()');
    if (this.#failure === null) this.#walk(chunk);
    this.#bodyBytes += chunk.length;
  }

  /** The end of the body. Idempotent. */
  finish(): BodySummary {
    this.#summary ??= this.#summarize();
    return this.#summary;
  }

  #walk(chunk: Uint8Array): void {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    while (at < chunk.length && this.#failure === null) {
      if (this.#skipLeft > 0) {
        const skipped = Math.min(this.#skipLeft, chunk.length - at);
        this.#skipLeft -= skipped;
        at += skipped;
      } else if (this.#carryLength > 0 || chunk.length - at < ADVANCE_HEAD_BYTES) {
        at = this.#carryHead(chunk, at);
      } else {
        at = this.#walkInPlace(view, at);
      }
    }
  }

  /** The fast path: frames whose head (with an Advance's tick count) lies in this chunk. */
  #walkInPlace(view: DataView, start: number): number {
    let at = start;
    while (at + ADVANCE_HEAD_BYTES <= view.byteLength) {
      const type = view.getUint8(at);
      const size = view.getUint16(at + 1, true);
      this.#frameStart = this.#bodyBytes + at;
      if (!this.#countFrame(type, size, type === ADVANCE ? view.getUint32(at + 3, true) : 0)) return at;
      if (at + size > view.byteLength) {
        this.#skipLeft = at + size - view.byteLength;
        return view.byteLength;
      }
      at += size;
    }
    return at;
  }

  /** The slow path: gathers a frame head split across chunks into the carry buffer. */
  #carryHead(chunk: Uint8Array, start: number): number {
    if (this.#carryLength === 0) this.#frameStart = this.#bodyBytes + start;
    const carry = this.#carry;
    // The tick count is awaited only once the head says this is an Advance long enough to hold it.
    const needed =
      this.#carryLength >= FRAME_HEAD_BYTES && carry[0] === ADVANCE ? ADVANCE_HEAD_BYTES : FRAME_HEAD_BYTES;
    const taken = Math.min(needed - this.#carryLength, chunk.length - start);
    carry.set(chunk.subarray(start, start + taken), this.#carryLength);
    this.#carryLength += taken;
    const at = start + taken;
    if (this.#carryLength < needed) return at;
    const type = carry[0] ?? 0;
    const size = (carry[1] ?? 0) | ((carry[2] ?? 0) << 8);
    if (type === ADVANCE && needed === FRAME_HEAD_BYTES && size >= ADVANCE_HEAD_BYTES) return at;
    this.#carryLength = 0;
    const ticks = type === ADVANCE && needed === ADVANCE_HEAD_BYTES ? this.#carryView.getUint32(3, true) : 0;
    if (this.#countFrame(type, size, ticks)) this.#skipLeft = size - needed;
    return at;
  }

  /** Validates and counts one frame; false (and a recorded failure) when it is corrupt. */
  #countFrame(type: number, size: number, ticks: number): boolean {
    if (size < FRAME_HEAD_BYTES) return this.#fail(`frame size ${size} is below 3`);
    if (type >= COMMAND_TYPES) return this.#fail(`unknown command type ${type}`);
    if (type === ADVANCE && size < ADVANCE_HEAD_BYTES) return this.#fail(`Advance frame of ${size} bytes`);
    this.#ticks += ticks;
    this.#lastFrameTicks = ticks;
    this.#frames++;
    this.#framesByType[type] = (this.#framesByType[type] ?? 0) + 1;
    this.#lastType = type;
    return true;
  }

  #fail(reason: string): false {
    this.#failure = { offset: this.#frameStart, reason };
    return false;
  }

  #summarize(): BodySummary {
    if (this.#failure !== null) return this.#failed('corrupt', this.#failure, this.#frames, this.#ticks);
    if (this.#carryLength > 0) return this.#failed('truncated', CUT_SHORT, this.#frames, this.#ticks);
    if (this.#skipLeft > 0) {
      // The cut frame was counted when its head arrived: take it back.
      return this.#failed('truncated', CUT_SHORT, this.#frames - 1, this.#ticks - this.#lastFrameTicks);
    }
    return Object.freeze({
      status: 'ok',
      ticks: this.#ticks,
      frames: this.#frames,
      bodyBytes: this.#bodyBytes,
      endsWithEndGame: this.#lastType === END_GAME,
      framesByType: Object.freeze(Array.from(this.#framesByType)),
    });
  }

  #failed(
    status: 'corrupt' | 'truncated',
    failure: { readonly reason: string; readonly offset?: number },
    framesBefore: number,
    ticksBefore: number,
  ): BodySummary {
    const offset = failure.offset ?? this.#frameStart;
    return Object.freeze({
      status,
      offset,
      reason: failure.reason,
      bodyBytes: this.#bodyBytes,
      framesBefore,
      ticksBefore,
    });
  }
}

/** The tick count of a body given as chunks, or null when it does not parse (corrupt or truncated). */
export function countTicks(chunks: Iterable<Uint8Array>): number | null {
  const walker = new BodyFrameWalker();
  for (const chunk of chunks) walker.push(chunk);
  const summary = walker.finish();
  return summary.status === 'ok' ? summary.ticks : null;
}
