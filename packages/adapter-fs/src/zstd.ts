import { promisify } from 'node:util';
import type { ZstdCompress } from 'node:zlib';
import { constants, createZstdCompress, zstdDecompress } from 'node:zlib';

const decompressAsync = promisify(zstdDecompress);

/** Output chunks of 64 KiB: a quarter as many thread-pool round trips as zlib's 16 KiB default. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A streaming encoder of one zstd frame without checksum, like the Rust server's. Each chunk is
 * compressed on the libuv thread pool, so compressing never blocks the event loop. With
 * `contentBytes`, the frame records its content size (as the vault's files always have) and
 * zstd fails the stream if the input does not have exactly that many bytes.
 */
export function zstdCompressStream(level: number, contentBytes?: number): ZstdCompress {
  return createZstdCompress({
    chunkSize: CHUNK_BYTES,
    params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 0 },
    ...(contentBytes === undefined ? {} : { pledgedSrcSize: contentBytes }),
  });
}

export function decompressZstd(data: Uint8Array, maxOutputLength: number): Promise<Buffer> {
  return decompressAsync(data, { maxOutputLength });
}
