import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { createZstdDecompress } from 'node:zlib';
import type { FinishedReplay } from '@faf-replay/core';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJsonHeader } from './encode-json-header.js';
import { game2000Metadata, makeTempDir, watchStalls } from './testing/index.js';
import { VaultArchive } from './vault-archive.js';

const MiB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** 256 KiB of bytes with 4 bits of entropy each: the material the generated body is cut from. */
function materialOf(seed: number): Buffer {
  const material = Buffer.alloc(256 * 1024);
  let state = seed;
  for (let i = 0; i < material.length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    material.writeUInt32LE((state & 0x0f0f0f0f) >>> 0, i);
  }
  return material;
}

/**
 * `totalBytes` of pseudo-random, compressible bytes (1 KiB pieces of `material` picked at random),
 * made a chunk at a time as a writer's stream arrives, and fed to `hash` on the way. Chunks come
 * from a ring of 64 buffers: a consumer that held more than 63 chunks at once would see them
 * overwritten, and the hash comparison would fail.
 */
async function* generatedBody(
  totalBytes: number,
  material: Buffer,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const ring = Array.from({ length: 64 }, () => Buffer.alloc(CHUNK_BYTES));
  let state = 0x2545f491;
  for (let produced = 0, index = 0; produced < totalBytes; produced += CHUNK_BYTES, index++) {
    const chunk = (ring[index % ring.length] as Buffer).subarray(
      0,
      Math.min(CHUNK_BYTES, totalBytes - produced),
    );
    for (let at = 0; at < chunk.length; at += 1024) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      const from = (state >>> 8) % (material.length - 1024);
      material.copy(chunk, at, from, from + Math.min(1024, chunk.length - at));
    }
    hash.update(chunk);
    yield chunk;
    await Promise.resolve();
  }
}

describe('VaultArchive with a large replay', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('saves 256 MiB streamed from its source without blocking the event loop for 50 ms', async () => {
    const example = fixture(fixtureFacts.example.file);
    const scfaHeader = example.subarray(0, fixtureFacts.example.headerBytes);
    const bodyLength = 256 * MiB;
    const sourceHash = createHash('sha256').update(scfaHeader);
    const material = materialOf(0x9e3779b9);
    const replay: FinishedReplay = {
      gameId: 2000n,
      metadata: game2000Metadata(),
      scfaHeader,
      body: () => generatedBody(bodyLength, material, sourceHash),
      bodyLength,
      ticks: null,
    };
    const archive = new VaultArchive({ vaultRoot: join(temp.path, 'vault'), compressionLevel: 1 });
    const stopWatching = watchStalls();
    const outcome = await archive.save(replay);
    const stalls = stopWatching();
    expect(outcome.kind).toBe('archived');
    expect(stalls.maxCpuMs, `longest stall: ${JSON.stringify(stalls)}`).toBeLessThan(50);

    const savedHash = createHash('sha256');
    const payloadStart = encodeJsonHeader(game2000Metadata()).length + 1;
    await pipeline(
      createReadStream(outcome.location, { start: payloadStart }),
      createZstdDecompress(),
      savedHash,
    );
    expect(savedHash.digest('hex')).toBe(sourceHash.digest('hex'));
  });
});
