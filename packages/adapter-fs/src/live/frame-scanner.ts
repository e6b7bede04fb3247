import { crc32 } from 'node:zlib';
import { LiveLogError } from './live-log-error.js';
import { FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES } from './log-frame.js';

/** How much of the file is read at once while scanning. */
const SCAN_CHUNK_BYTES = 1024 * 1024;

export interface Frame {
  /** Where the frame starts in the file. */
  readonly position: number;
  readonly payload: Uint8Array;
}

/**
 * How a scan ended: at the end of the file, at a torn frame (a write cut by a crash: the frame
 * reaches past the end, or only zeros or nothing follow a bad one), or at a corrupt frame (a bad
 * one with data after it).
 */
export type ScanStop =
  | { readonly kind: 'end' }
  | { readonly kind: 'torn' }
  | { readonly kind: 'corrupt'; readonly error: LiveLogError };

/** Reads `length` bytes at `position` (the scanner never asks past the size it was given). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/**
 * Walks the frames of a log file from `from` to `size`, reading it in 1 MiB chunks (a frame larger
 * than that is read on its own), so a journal of any size is never read whole. Stops at the first
 * invalid frame; `position` is then where the valid part ends.
 */
export class FrameScanner {
  readonly #read: ReadAt;
  readonly #size: number;
  readonly #copy: boolean;
  #position: number;
  #buffer: Uint8Array = new Uint8Array(0);
  #bufferAt = 0;
  #stop: ScanStop | undefined;
  /** The payload length of the frame just checked. */
  #length = 0;

  /** `copy`: payloads are fresh copies (kept by the caller) rather than views of a reused buffer. */
  constructor(read: ReadAt, from: number, size: number, options: { readonly copy: boolean }) {
    this.#read = read;
    this.#position = from;
    this.#size = size;
    this.#copy = options.copy;
  }

  /** Where the valid frames end so far. */
  get position(): number {
    return this.#position;
  }

  /** Why the scan stopped; undefined while it has not. */
  get stop(): ScanStop | undefined {
    return this.#stop;
  }

  /** The next valid frame, or undefined once the scan has stopped. */
  async next(): Promise<Frame | undefined> {
    if (this.#stop !== undefined) return undefined;
    const at = this.#position;
    const stop = await this.#check(at);
    if (stop !== undefined) {
      this.#stop = stop;
      return undefined;
    }
    const length = this.#length;
    const payload = await this.#bytes(at + FRAME_HEADER_BYTES, length);
    this.#position = at + FRAME_HEADER_BYTES + length;
    return { position: at, payload: this.#copy ? payload.slice() : payload };
  }

  /** The frame at `at` turned out invalid (e.g. its records do not decode). */
  markCorrupt(at: number, error: LiveLogError): void {
    this.#position = at;
    this.#stop = { kind: 'corrupt', error };
  }

  /** Why the frame at `at` is not valid, if it is not; otherwise its payload's length is `#length`. */
  async #check(at: number): Promise<ScanStop | undefined> {
    if (at === this.#size) return { kind: 'end' };
    if (this.#size - at < FRAME_HEADER_BYTES) return { kind: 'torn' };
    const header = new DataView((await this.#bytes(at, FRAME_HEADER_BYTES)).slice().buffer);
    const length = header.getUint32(0, true);
    const frameEnd = at + FRAME_HEADER_BYTES + length;
    if (frameEnd > this.#size) return { kind: 'torn' };
    if (length === 0) return this.#invalid(at, at, 'a frame of length 0');
    if (length > MAX_FRAME_PAYLOAD_BYTES) return this.#invalid(at, at, `a frame of length ${length}`);
    const payload = await this.#bytes(at + FRAME_HEADER_BYTES, length);
    if (crc32(payload) !== header.getUint32(4, true))
      return this.#invalid(at, frameEnd, 'a checksum mismatch');
    this.#length = length;
    return undefined;
  }

  /** A bad frame is torn when nothing but zeros follows it (a cut write), corrupt otherwise. */
  async #invalid(at: number, after: number, what: string): Promise<ScanStop> {
    if (await this.#onlyZerosFrom(after)) return { kind: 'torn' };
    const error = new LiveLogError(
      'corrupt',
      `${what} at byte ${at}, with ${this.#size - at} bytes from there on (dropped)`,
    );
    return { kind: 'corrupt', error };
  }

  async #onlyZerosFrom(at: number): Promise<boolean> {
    for (let from = at; from < this.#size; from += SCAN_CHUNK_BYTES) {
      const chunk = await this.#bytes(from, Math.min(SCAN_CHUNK_BYTES, this.#size - from));
      if (chunk.some((byte) => byte !== 0)) return false;
    }
    return true;
  }

  /** `length` bytes at `at`, from the buffered chunk when they lie in it. */
  async #bytes(at: number, length: number): Promise<Uint8Array> {
    const within = at - this.#bufferAt;
    if (within >= 0 && within + length <= this.#buffer.length) {
      return this.#buffer.subarray(within, within + length);
    }
    if (length > SCAN_CHUNK_BYTES) return this.#read(at, length);
    this.#buffer = await this.#read(at, Math.min(SCAN_CHUNK_BYTES, this.#size - at));
    this.#bufferAt = at;
    return this.#buffer.subarray(0, length);
  }
}
