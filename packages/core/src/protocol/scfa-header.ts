import { ProtocolUsageError } from './protocol-errors.js';

export type ScfaHeaderStep =
  | { readonly status: 'need-more' }
  /** `header` is one contiguous copy; `rest` is the body start, a view of the completing chunk. */
  | { readonly status: 'complete'; readonly header: Uint8Array; readonly rest: Uint8Array }
  | { readonly status: 'rejected'; readonly reason: string };

/** The Rust server's cap on the SCFA header (spec §2.3): a longer header is rejected. */
export const SCFA_HEADER_LIMIT_BYTES = 1 << 20;

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
 * Finds the end of a writer's SCFA header in chunks of any size. It keeps references to the
 * chunks it saw (they belong to it, per `ByteConnection`) and copies them once, at completion.
 * Lua blobs cost O(1) per chunk; strings are searched natively. After a step other than
 * `need-more`, the scanner must not be used again.
 */
export class ScfaHeaderScanner {
  readonly #maxBytes: number;
  readonly #layout = scfaHeaderLayout();
  #need: Need | null;
  #uintValue = 0;
  #uintBytes = 0;
  #skipLeft = 0;
  #stringEnded = false;
  /** Header bytes consumed so far, over all chunks. */
  #scannedBytes = 0;
  #chunks: Uint8Array[] = [];
  #finished = false;

  constructor(maxBytes: number = SCFA_HEADER_LIMIT_BYTES) {
    this.#maxBytes = maxBytes;
    this.#need = this.#layout.next().value ?? null;
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
    if (this.#need !== null) {
      if (chunk.length > 0) this.#chunks.push(chunk);
      return NEED_MORE;
    }
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

  #complete(lastChunk: Uint8Array, headerEnd: number): ScfaHeaderStep {
    const header = new Uint8Array(this.#scannedBytes);
    let at = 0;
    for (const chunk of this.#chunks) {
      header.set(chunk, at);
      at += chunk.length;
    }
    header.set(lastChunk.subarray(0, headerEnd), at);
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
    this.#chunks = [];
  }

  #assertOpen(): void {
    if (this.#finished) throw new ProtocolUsageError('ScfaHeaderScanner used after its final step');
  }
}
