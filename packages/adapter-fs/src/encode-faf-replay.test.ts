import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { encodeFafReplay } from './encode-faf-replay.js';
import { encodeJsonHeader } from './encode-json-header.js';
import { readFafReplay } from './read-faf-replay.js';
import { eventLoopTurnsDuring, finishedReplayOf, game2000Metadata } from './testing/index.js';

describe('encodeFafReplay', () => {
  const example = fixture(fixtureFacts.example.file);
  const replay = finishedReplayOf(2000n, example, {
    headerBytes: fixtureFacts.example.headerBytes,
    chunkBytes: 1000,
  });

  it('writes the JSON line, a newline, then one zstd frame of header and body', async () => {
    const bytes = await encodeFafReplay(replay);
    const jsonLine = encodeJsonHeader(game2000Metadata());
    expect(bytes.subarray(0, jsonLine.length + 1).toString()).toBe(`${jsonLine}\n`);
    // zstd frame magic, then a frame header descriptor without the checksum flag (bit 2).
    const frame = bytes.subarray(jsonLine.length + 1);
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect((frame[4] ?? 0xff) & 0x04).toBe(0);
  });

  it('round-trips through readFafReplay', async () => {
    const file = await readFafReplay(await encodeFafReplay(replay, { compressionLevel: 3 }));
    expect(file.version).toBe(2);
    expect(file.json).toEqual(JSON.parse(encodeJsonHeader(replay.metadata)));
    expect(firstDifference(file.replay, example)).toBe(-1);
  });

  it('compresses harder at a higher level', async () => {
    const fast = await encodeFafReplay(replay, { compressionLevel: 1 });
    const strong = await encodeFafReplay(replay, { compressionLevel: 19 });
    expect(strong.length).toBeLessThan(fast.length);
  });

  it('compresses a 5.6 MB replay at level 10 off the event loop', async () => {
    const stream = (await readFafReplay(fixture(fixtureFacts.vault.file))).replay;
    const big = finishedReplayOf(8_653_680n, stream, { headerBytes: fixtureFacts.vault.headerBytes });
    const encoding = encodeFafReplay(big);
    const turns = await eventLoopTurnsDuring(encoding);
    // Synchronous compression would finish within one turn; the thread pool takes ~100 ms.
    expect(turns).toBeGreaterThan(10);
    expect(firstDifference((await readFafReplay(await encoding)).replay, stream)).toBe(-1);
  });

  it('refuses a compression level zstd does not have', async () => {
    await expect(encodeFafReplay(replay, { compressionLevel: 23 })).rejects.toThrow(RangeError);
    await expect(encodeFafReplay(replay, { compressionLevel: 0 })).rejects.toThrow(RangeError);
  });
});
