import type { HeaderBudget } from './header-budget.js';
import { ProtocolUsageError } from './protocol-errors.js';

export type ScfaHeaderStep =
  | { readonly status: 'need-more' }
  /** `header` is one contiguous copy; `rest` is the body start, a view of the completing chunk. */
  | { readonly status: 'complete'; readonly header: Uint8Array; readonly rest: Uint8Array }
  | { readonly status: 'rejected'; readonly reason: string };

/** The Rust server's cap on the SCFA header (spec §2.3): a longer header is rejected. */
export const SCFA_HEADER_LIMIT_BYTES = 1 << 20;

export interface ScfaHeaderScannerOptions {
  /** The longest header accepted. Default `SCFA_HEADER_LIMIT_BYTES`. */
  readonly maxBytes?: number;
  /** Shared bound on the bytes all scanners hold; none by default. */
  readonly budget?: HeaderBudget;
}

/** The pending buffer starts this small and doubles, so a tiny first chunk costs little. */
const MIN_PENDING_CAPACITY = 1024;

/** One field the walk needs next. `skip` fields are read but their content does not matter. */
type Need =
  | { readonly kind: 'cstring'; readonly field: string }
  | { readonly kind: 'u8' | 'u32'; readonly field: string }
  | { readonly kind: 'skip'; readonly field: string; readonly bytes: number };

const NEED_MORE: ScfaHeaderStep = Object.freeze({ status: 'need-more' });
const UINT_BYTES = { u8: 1, u32: 4 } as const;
const NO_COMMAND_SOURCE = 255;

const cstring = (field: string): Need => ({ kind: 'cstring', field });
const u8 = (field: string): Need => ({ kind: 'u8', field });
const u32 = (field: string): Need => ({ kind: 'u32', field });
const skip = (field: string, bytes: number): Need => ({ kind: 'skip', field, bytes });

/**
 * The header layout of spec §2.1, walked like the Rust server does: each yield names the next
 * field, and integers come back as the yield's value. Lua blobs are skipped by their size prefix.
 */
function* scfaHeaderLayout(): Generator<Need, void, number> {
  yield cstring('game version');
  yield skip('separator', 3);
  yield cstring('replay version and map');
  yield skip('separator', 4);
  yield skip('mods', yield u32('mods size'));
  yield skip('scenario', yield u32('scenario size'));
  const playerCount = yield u8('player count');
  for (let player = 0; player < playerCount; player++) {
    yield cstring('player name');
    yield skip('player timeouts', 4);
  }
  yield skip('cheats flag', 1);
  const armyCount = yield u8('army count');
  for (let army = 0; army < armyCount; army++) {
    yield skip('army options', yield u32('army options size'));
    if ((yield u8('army command source')) !== NO_COMMAND_SOURCE) yield skip('army source byte', 1);
  }
  yield skip('random seed', 4);
}

/**
 * Finds the end of a writer's SCFA header in chunks of any size. The bytes of an incomplete
 * header are copied into one growing buffer (doubling, capped at `maxBytes`), so a header sent
 * one byte per packet costs its length in memory, not a chunk object per byte; the budget, when
 * given, is charged for that buffer. Lua blobs cost O(1) per chunk; strings are searched
 * natively. After a step other than `need-more`, or `release()`, the scanner must not be used.
 */
export class ScfaHeaderScanner {
  readonly #maxBytes: number;
  readonly #budget: HeaderBudget | undefined;
  readonly #layout = scfaHeaderLayout();
  #need: Need | null;
  #uintValue = 0;
  #uintBytes = 0;
  #skipLeft = 0;
  #stringEnded = false;
  /** Header bytes consumed so far, over all chunks. */
  #scannedBytes = 0;
  /** The first `#scannedBytes` bytes of the header, while it is incomplete. */
  #pending: Uint8Array | null = null;
  #finished = false;

  constructor(options: ScfaHeaderScannerOptions = {}) {
    this.#maxBytes = options.maxBytes ?? SCFA_HEADER_LIMIT_BYTES;
    this.#budget = options.budget;
    this.#need = this.#layout.next().value ?? null;
  }

  /** Bytes held for the incomplete header: the pending buffer's capacity (charged to the budget). */
  get retainedBytes(): number {
    return this.#pending?.byteLength ?? 0;
  }

  push(chunk: Uint8Array): ScfaHeaderStep {
    this.#assertOpen();
    let offset = 0;
    while (this.#need !== null && offset < chunk.length) {
      const next = this.#consume(this.#need, chunk, offset);
      this.#scannedBytes += next - offset;
      offset = next;
      if (this.#scannedBytes > this.#maxBytes) return this.#reject(this.#tooLong());
      this.#advanceIfSatisfied();
      if (this.#blobCannotFit()) return this.#reject(this.#tooLong());
    }
    if (this.#need !== null) return this.#keep(chunk);
    return this.#complete(chunk, offset);
  }

  /** The end of the input, when the last push asked for more: the header is truncated. */
  end(): ScfaHeaderStep {
    this.#assertOpen();
    const field = this.#need?.field ?? 'nothing';
    return this.#reject(
      `the stream ended inside the replay header after ${this.#scannedBytes} bytes (${field})`,
    );
  }

  /**
   * Gives back what an abandoned scanner holds (its connection failed before a final step), so
   * that the budget is not leaked. Idempotent; a no-op after a final step.
   */
  release(): void {
    this.#finish();
  }

  /** Consumes bytes of `need` from `chunk` at `offset`; returns the new offset. */
  #consume(need: Need, chunk: Uint8Array, offset: number): number {
    switch (need.kind) {
      case 'cstring': {
        const nul = chunk.indexOf(0, offset);
        this.#stringEnded = nul !== -1;
        return this.#stringEnded ? nul + 1 : chunk.length;
      }
      case 'skip': {
        const taken = Math.min(this.#skipLeft, chunk.length - offset);
        this.#skipLeft -= taken;
        return offset + taken;
      }
      default:
        return this.#readUint(UINT_BYTES[need.kind], chunk, offset);
    }
  }

  #readUint(byteCount: number, chunk: Uint8Array, offset: number): number {
    let at = offset;
    while (this.#uintBytes < byteCount && at < chunk.length) {
      this.#uintValue += (chunk[at] ?? 0) * 2 ** (8 * this.#uintBytes);
      this.#uintBytes++;
      at++;
    }
    return at;
  }

  /** Moves past every satisfied need, including empty blobs that need no bytes at all. */
  #advanceIfSatisfied(): void {
    while (this.#need !== null && this.#satisfied(this.#need)) {
      const value = this.#uintValue;
      this.#uintValue = 0;
      this.#uintBytes = 0;
      this.#stringEnded = false;
      const next = this.#layout.next(value);
      this.#need = next.done === true ? null : next.value;
      this.#skipLeft = this.#need?.kind === 'skip' ? this.#need.bytes : 0;
    }
  }

  #satisfied(need: Need): boolean {
    if (need.kind === 'cstring') return this.#stringEnded;
    if (need.kind === 'skip') return this.#skipLeft === 0;
    return this.#uintBytes === UINT_BYTES[need.kind];
  }

  /** Appends a chunk that the header consumed entirely (`#scannedBytes` already counts it). */
  #keep(chunk: Uint8Array): ScfaHeaderStep {
    const keptBytes = this.#scannedBytes - chunk.length;
    if (chunk.length === 0) return NEED_MORE;
    if (this.#pending === null || this.#pending.byteLength < this.#scannedBytes) {
      const grown = this.#grow(keptBytes);
      if (grown !== null) return this.#reject(grown);
    }
    this.#pending?.set(chunk, keptBytes);
    return NEED_MORE;
  }

  /** Reallocates the pending buffer to fit `#scannedBytes`; the rejection reason on failure. */
  #grow(keptBytes: number): string | null {
    const oldCapacity = this.#pending?.byteLength ?? 0;
    const capacity = Math.min(
      this.#maxBytes,
      Math.max(this.#scannedBytes, 2 * oldCapacity, MIN_PENDING_CAPACITY),
    );
    if (this.#budget !== undefined && !this.#budget.take(capacity - oldCapacity)) {
      return (
        `too many replay headers are incomplete at once: the server's budget of ` +
        `${this.#budget.capacityBytes} bytes for them is exhausted`
      );
    }
    const grown = new Uint8Array(capacity);
    if (this.#pending !== null) grown.set(this.#pending.subarray(0, keptBytes));
    this.#pending = grown;
    return null;
  }

  #complete(lastChunk: Uint8Array, headerEnd: number): ScfaHeaderStep {
    const header = new Uint8Array(this.#scannedBytes);
    const keptBytes = this.#scannedBytes - headerEnd;
    if (this.#pending !== null) header.set(this.#pending.subarray(0, keptBytes));
    header.set(lastChunk.subarray(0, headerEnd), keptBytes);
    this.#finish();
    return { status: 'complete', header, rest: lastChunk.subarray(headerEnd) };
  }

  /** A blob that cannot fit under the cap is rejected at once instead of being waited for. */
  #blobCannotFit(): boolean {
    return this.#need?.kind === 'skip' && this.#scannedBytes + this.#skipLeft > this.#maxBytes;
  }

  #tooLong(): string {
    return `the replay header is longer than ${this.#maxBytes} bytes (${this.#need?.field ?? 'end'})`;
  }

  #reject(reason: string): ScfaHeaderStep {
    this.#finish();
    return { status: 'rejected', reason };
  }

  #finish(): void {
    this.#finished = true;
    if (this.#pending !== null) this.#budget?.give(this.#pending.byteLength);
    this.#pending = null;
  }

  #assertOpen(): void {
    if (this.#finished) throw new ProtocolUsageError('ScfaHeaderScanner used after its final step');
  }
}
