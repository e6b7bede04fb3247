import type { FinishedReplay } from '@faf-replay/core';
import { encodeJsonHeader } from './encode-json-header.js';
import { compressZstd } from './zstd.js';

/** The level the Rust server's documented config uses (`storage.compression_level`). */
export const DEFAULT_COMPRESSION_LEVEL = 10;

export type FafReplayContent = Pick<FinishedReplay, 'metadata' | 'scfaHeader' | 'body'>;

/**
 * A version-2 `.fafreplay` file (spec §7.4): the JSON line, `\n`, then one zstd frame of the
 * SCFA header and body. The frame records its content size (unlike the Rust server's streaming
 * encoder), which only helps decoders; it has no checksum, like the Rust server's.
 */
export async function encodeFafReplay(
  replay: FafReplayContent,
  options: { compressionLevel?: number } = {},
): Promise<Buffer> {
  const level = checkedCompressionLevel(options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL);
  const compressed = await compressZstd(Buffer.concat([replay.scfaHeader, ...replay.body]), level);
  return Buffer.concat([Buffer.from(`${encodeJsonHeader(replay.metadata)}\n`), compressed]);
}

/** zstd's levels are 1..22; zlib would silently clamp anything else. */
export function checkedCompressionLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw new RangeError(`compression level must be an integer in 1..22, got ${level}`);
  }
  return level;
}
