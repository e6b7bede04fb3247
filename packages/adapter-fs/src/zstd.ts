import { promisify } from 'node:util';
import { constants, zstdCompress, zstdDecompress } from 'node:zlib';

const compressAsync = promisify(zstdCompress);
const decompressAsync = promisify(zstdDecompress);

/**
 * One zstd frame without checksum, like the Rust server's. Runs on the libuv thread pool: a
 * 5.6 MB replay at level 10 takes tens of milliseconds that must not block the event loop.
 */
export function compressZstd(data: Uint8Array, level: number): Promise<Buffer> {
  return compressAsync(data, {
    params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 0 },
  });
}

export function decompressZstd(data: Uint8Array, maxOutputLength: number): Promise<Buffer> {
  return decompressAsync(data, { maxOutputLength });
}
