import type { BlockPool } from './block-pool.js';
import { GrowableBytes } from './growable-bytes.js';

/**
 * One branch of the prefix tree of writer data: bytes that one or more writers sent, from body
 * offset `start` on, where it forked off its parent (or from 0 for the first branch). Only the
 * undecided part is held: decided bytes are dropped (they live in the canonical log).
 *
 * Each byte carries the time its first copy arrived, as marks: mark i covers the bytes up to
 * `ends[i]` and holds the latest arrival among them, so a byte's stamp is never earlier than
 * its arrival. A mark spans at most `coalesceMs`, so a stamp is at most that much late.
 */
export class Branch {
  readonly id: number;
  readonly start: number;
  parent: Branch | undefined;
  readonly children: Branch[] = [];
  readonly bytes: GrowableBytes;
  readonly #ends: number[] = [];
  readonly #stamps: number[] = [];
  #head = 0;
  #lastOpenedAtMs = Number.NEGATIVE_INFINITY;

  constructor(id: number, parent: Branch | undefined, start: number, pool?: BlockPool) {
    this.id = id;
    this.parent = parent;
    this.start = start;
    this.bytes = new GrowableBytes(start, pool);
  }

  /** The branch and everything below it lost: gives their blocks back (nothing reads them again). */
  dispose(): void {
    this.bytes.dispose();
    for (const child of this.children) child.dispose();
    this.children.length = 0;
  }

  get end(): number {
    return this.bytes.end;
  }

  /** Appends bytes that arrived at `nowMs` at the branch's end. */
  extend(bytes: Uint8Array, nowMs: number, coalesceMs: number): void {
    this.bytes.append(bytes);
    const last = this.#ends.length - 1;
    if (last >= this.#head && nowMs - this.#lastOpenedAtMs < coalesceMs) {
      this.#ends[last] = this.end;
      this.#stamps[last] = Math.max(this.#stamps[last] as number, nowMs);
      return;
    }
    this.#ends.push(this.end);
    this.#stamps.push(nowMs);
    this.#lastOpenedAtMs = nowMs;
  }

  /** When the first copy of the byte at `offset` arrived (held bytes only). */
  stampAt(offset: number): number {
    for (let index = this.#head; index < this.#ends.length; index++) {
      if ((this.#ends[index] as number) > offset) return this.#stamps[index] as number;
    }
    throw new RangeError(`branch ${this.id} holds no byte at ${offset} (end ${this.end})`);
  }

  /** The furthest offset up to `limit` such that every held byte before it is due: stamp + `delayMs` ≤ `nowMs`. */
  dueEnd(nowMs: number, delayMs: number, limit: number): number {
    let reached = this.bytes.start;
    for (let index = this.#head; index < this.#ends.length && reached < limit; index++) {
      if ((this.#stamps[index] as number) + delayMs > nowMs) break;
      reached = this.#ends[index] as number;
    }
    return Math.min(reached, limit);
  }

  /** The earliest horizon (stamp + `delayMs`) later than `nowMs` among the held bytes, if any. */
  nextHorizonAfter(nowMs: number, delayMs: number): number | undefined {
    for (let index = this.#head; index < this.#stamps.length; index++) {
      const horizon = (this.#stamps[index] as number) + delayMs;
      if (horizon > nowMs) return horizon;
    }
    return undefined;
  }

  /** Drops the bytes (and their marks) below `offset`: they are decided. */
  discardBefore(offset: number): void {
    this.bytes.discardBefore(offset);
    while (this.#head < this.#ends.length && (this.#ends[this.#head] as number) <= offset) this.#head++;
    if (this.#head > 32 && this.#head * 2 > this.#ends.length) {
      this.#ends.splice(0, this.#head);
      this.#stamps.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** The child forking at `offset` whose first byte is `byte`. */
  childAt(offset: number, byte: number): Branch | undefined {
    for (const child of this.children) {
      if (child.start === offset && child.end > offset && child.bytes.byteAt(offset) === byte) return child;
    }
    return undefined;
  }

  /** The furthest offset any stream through this branch reaches beyond `from` (its own bytes from there on, and the children forking after it). */
  reachBeyond(from: number): number {
    let reach = this.end;
    for (const child of this.children) {
      if (child.start > from) reach = Math.max(reach, child.reachBeyond(Number.NEGATIVE_INFINITY));
    }
    return reach;
  }

  /** The nearest offset after `from` where a child forks off, if any. */
  nextForkAfter(from: number): number | undefined {
    let next: number | undefined;
    for (const child of this.children) {
      if (child.start > from && (next === undefined || child.start < next)) next = child.start;
    }
    return next;
  }

  /** Whether `other` is this branch or lies below it. */
  contains(other: Branch): boolean {
    for (let branch: Branch | undefined = other; branch !== undefined; branch = branch.parent) {
      if (branch === this) return true;
    }
    return false;
  }
}
