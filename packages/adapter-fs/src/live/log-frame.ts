import { crc32 } from 'node:zlib';

/** The first bytes of a live log file: "FAFLIVE" and the format version. */
export const FILE_MAGIC: Uint8Array = Uint8Array.from([0x46, 0x41, 0x46, 0x4c, 0x49, 0x56, 0x45, 0x01]);

/** A frame starts with its payload's length and CRC-32, both u32 little-endian. */
export const FRAME_HEADER_BYTES = 8;

/**
 * The longest payload a frame may have. Recovery reads a frame whole, so a corrupt length must
 * not make it allocate the file; a batch never comes near (the unwritten bytes of a game are
 * bounded far below, 64 MiB by default).
 */
export const MAX_FRAME_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** One batch, encoded and placed in the file, waiting to be written. */
export interface EncodedFrame {
  /** Where it starts in the file. */
  readonly position: number;
  /** Its bytes in order (header first), for one `writev`. */
  readonly parts: readonly Uint8Array[];
  readonly bytes: number;
  /** The canonical length once it is written; undefined when it holds no segment. */
  readonly canonicalEnd: number | undefined;
  /**
   * Ends the leases on the pooled blocks `parts` lie in: called once, when the frame is written
   * or given up, never while a write of it runs.
   */
  readonly done?: () => void;
}

/** The header of a frame whose payload is `parts`: length, then CRC-32 of the payload. */
export function frameHeader(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  let checksum = 0;
  for (const part of parts) {
    length += part.length;
    checksum = crc32(part, checksum);
  }
  if (length === 0 || length > MAX_FRAME_PAYLOAD_BYTES)
    throw new RangeError(`a frame cannot hold ${length} bytes`);
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, length, true);
  view.setUint32(4, checksum, true);
  return header;
}

/** The pseudo-frame that starts every file. */
export function magicFrame(): EncodedFrame {
  return { position: 0, parts: [FILE_MAGIC], bytes: FILE_MAGIC.length, canonicalEnd: undefined };
}
