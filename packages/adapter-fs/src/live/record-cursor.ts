import { LiveLogError } from './live-log-error.js';

/** Reads the fields that `RecordWriter` wrote; anything malformed is a corrupt record. */
export class RecordCursor {
  readonly #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Where the next field starts, within the bytes given. */
  get offset(): number {
    return this.#at;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  get done(): boolean {
    return this.#at >= this.#bytes.length;
  }

  u8(): number {
    if (this.#at >= this.#bytes.length) throw corrupt('a record ends early');
    return this.#bytes[this.#at++] as number;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 0x80;
    }
    throw corrupt('a number is too large');
  }

  signed(): number {
    const zigzag = this.varint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  /** The next `length` bytes, as a view. */
  bytes(length: number): Uint8Array {
    if (length > this.#bytes.length - this.#at) throw corrupt('a record ends early');
    const view = this.#bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return view;
  }
}

function corrupt(message: string): LiveLogError {
  return new LiveLogError('corrupt', message);
}
