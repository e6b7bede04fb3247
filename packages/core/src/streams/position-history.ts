/**
 * A writer's recent lengths, one per update interval, so that its delayed length is its length
 * about `delayMs` ago (spec §5.1, R's PositionHistory). It keeps H = ceil(delayMs /
 * updateIntervalMs) + 1 entries: right after a push, the oldest entry is H - 1 intervals old.
 * It starts empty, so the first push is the first delayed value (as R, unlike P's `[0]`).
 */
export class PositionHistory {
  readonly capacity: number;
  // A ring of the last `capacity` pushes; #oldest indexes the oldest one once it is full.
  readonly #ring: number[] = [];
  #oldest = 0;

  constructor(delayMs: number, updateIntervalMs: number) {
    if (!(updateIntervalMs > 0) || !(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`invalid delay ${delayMs} ms or update interval ${updateIntervalMs} ms`);
    }
    this.capacity = Math.ceil(delayMs / updateIntervalMs) + 1;
  }

  push(position: number): void {
    if (this.#ring.length < this.capacity) {
      this.#ring.push(position);
      return;
    }
    this.#ring[this.#oldest] = position;
    this.#oldest = (this.#oldest + 1) % this.capacity;
  }

  /** The oldest position held, or 0 before the first push. */
  get delayed(): number {
    return this.#ring[this.#oldest] ?? 0;
  }
}
