import { encodeFafReplay } from '@faf-replay/adapter-fs';
import type { ReplayMetadata } from '@faf-replay/core';

/**
 * A version-2 `.fafreplay` of `stream`, by the archive's own encoder (the vault's files and
 * `pack`'s are made alike). A ready JSON line (`pack --header`) replaces the line the encoder
 * wrote from `metadata`: that encoder takes metadata only, and the zstd frame after the first
 * `\n` does not depend on the line.
 */
export async function packFafReplay(
  header: { readonly metadata: ReplayMetadata; readonly jsonLine?: string | undefined },
  stream: Uint8Array,
  headerBytes: number,
  compressionLevel: number,
): Promise<Buffer> {
  const encoded = await encodeFafReplay(
    {
      metadata: header.metadata,
      scfaHeader: stream.subarray(0, headerBytes),
      body: [stream.subarray(headerBytes)],
    },
    { compressionLevel },
  );
  if (header.jsonLine === undefined) return encoded;
  const compressed = encoded.subarray(encoded.indexOf(0x0a) + 1);
  return Buffer.concat([Buffer.from(`${header.jsonLine}\n`), compressed]);
}
