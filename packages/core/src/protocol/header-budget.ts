/**
 * A process-wide bound on the bytes that SCFA-header scanners hold while headers are incomplete,
 * shared by every writer connection. One connection's header is capped at 1 MiB, so without a
 * shared bound, N hostile writers that never finish their header hold N MiB; with it, they hold
 * at most `capacityBytes` in total and further headers are refused until some end.
 */
export class HeaderBudget {
  readonly capacityBytes: number;
  #takenBytes = 0;

  constructor(capacityBytes: number) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) {
      throw new RangeError(`HeaderBudget capacity must be a non-negative integer, got ${capacityBytes}`);
    }
    this.capacityBytes = capacityBytes;
  }

  /** Bytes currently held by scanners. */
  get takenBytes(): number {
    return this.#takenBytes;
  }

  /** Reserves `bytes`; false (and nothing reserved) when that would exceed the capacity. */
  take(bytes: number): boolean {
    if (this.#takenBytes + bytes > this.capacityBytes) return false;
    this.#takenBytes += bytes;
    return true;
  }

  /** Returns `bytes` reserved by an earlier `take`. */
  give(bytes: number): void {
    this.#takenBytes = Math.max(0, this.#takenBytes - bytes);
  }
}
