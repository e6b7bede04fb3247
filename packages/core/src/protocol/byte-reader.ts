import { ScfaHeaderDecodeError } from './protocol-errors.js';

const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Bounds-checked little-endian reads over a byte range, for decoding a complete header. Every
 * overrun throws a `ScfaHeaderDecodeError` naming the field and the absolute offset.
 */
export class ByteReader {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #base: number;
  #offset = 0;

  /** `base` is where `bytes` starts in the whole header, for error messages. */
  constructor(bytes: Uint8Array, base = 0) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#base = base;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** The absolute offset of the next byte, for messages. */
  get position(): number {
    return this.#base + this.#offset;
  }

  peekU8(field: string): number {
    if (this.remaining < 1) throw this.#overrun(1, field);
    return this.#view.getUint8(this.#offset);
  }

  u8(field: string): number {
    return this.#view.getUint8(this.#take(1, field));
  }

  u32(field: string): number {
    return this.#view.getUint32(this.#take(4, field), true);
  }

  f32(field: string): number {
    return this.#view.getFloat32(this.#take(4, field), true);
  }

  /** A NUL-terminated string, decoded as UTF-8 (invalid sequences become U+FFFD). */
  cstring(field: string): string {
    const nul = this.#bytes.indexOf(0, this.#offset);
    if (nul === -1) throw this.error(`${field}: no NUL terminator before the end`);
    const text = textDecoder.decode(this.#bytes.subarray(this.#offset, nul));
    this.#offset = nul + 1;
    return text;
  }

  skip(byteCount: number, field: string): void {
    this.#take(byteCount, field);
  }

  /** A reader over the next `byteCount` bytes, which this reader skips. */
  sub(byteCount: number, field: string): ByteReader {
    const start = this.#take(byteCount, field);
    return new ByteReader(this.#bytes.subarray(start, start + byteCount), this.#base + start);
  }

  error(message: string): ScfaHeaderDecodeError {
    return new ScfaHeaderDecodeError(`${message} (at byte ${this.position})`);
  }

  #take(byteCount: number, field: string): number {
    if (byteCount > this.remaining) throw this.#overrun(byteCount, field);
    const start = this.#offset;
    this.#offset += byteCount;
    return start;
  }

  #overrun(byteCount: number, field: string): ScfaHeaderDecodeError {
    return this.error(
      `${field}: needs ${byteCount} byte${byteCount === 1 ? '' : 's'}, ${this.remaining} left`,
    );
  }
}
