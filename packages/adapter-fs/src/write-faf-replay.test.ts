import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { zstdDecompressSync } from 'node:zlib';
import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJsonHeader } from './encode-json-header.js';
import { readFafReplay } from './read-faf-replay.js';
import { game2000Metadata, makeTempDir } from './testing/index.js';
import type { FafReplayContent } from './write-faf-replay.js';
import { FileExistsError, writeFafReplay } from './write-faf-replay.js';

const example = fixture(fixtureFacts.example.file);
const headerBytes = fixtureFacts.example.headerBytes;

function content(overrides: Partial<FafReplayContent> = {}): FafReplayContent {
  const body = example.subarray(headerBytes);
  return {
    jsonHeader: game2000Metadata(),
    scfaHeader: example.subarray(0, headerBytes),
    body: [body.subarray(0, 1000), body.subarray(1000, 30_000), body.subarray(30_000)],
    bodyLength: body.length,
    ...overrides,
  };
}

/** The content size a zstd frame header records (RFC 8878 §3.1.1.1), or null when it records none. */
function frameContentSize(frame: Buffer): number | null {
  const descriptor = frame.readUInt8(4);
  const singleSegment = (descriptor & 0x20) !== 0;
  const fieldBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6] ?? 0;
  const at = 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][descriptor & 0x03] ?? 0);
  if (fieldBytes === 0) return null;
  if (fieldBytes === 2) return frame.readUInt16LE(at) + 256;
  return frame.readUIntLE(at, Math.min(fieldBytes, 6));
}

describe('writeFafReplay', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('writes game 2000 as the Rust server did: its JSON line byte for byte, and the same stream', async () => {
    const path = join(temp.path, '2000.fafreplay');
    await writeFafReplay(path, content());
    const ours = await readFile(path);
    const theirs = fixture(fixtureFacts.game2000.file);
    const lineEnd = fixtureFacts.game2000.jsonLineBytes + 1;
    expect(firstDifference(ours.subarray(0, lineEnd), theirs.subarray(0, lineEnd))).toBe(-1);
    const stream = zstdDecompressSync(ours.subarray(lineEnd));
    expect(firstDifference(stream, zstdDecompressSync(theirs.subarray(lineEnd)))).toBe(-1);
  });

  it('writes one zstd frame without checksum that records its content size, as the vault always has', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const written = await writeFafReplay(sink, content());
    const bytes = Buffer.concat(chunks);
    expect(written).toBe(bytes.length);
    const jsonLine = encodeJsonHeader(game2000Metadata());
    expect(bytes.subarray(0, jsonLine.length + 1).toString()).toBe(`${jsonLine}\n`);
    const frame = bytes.subarray(jsonLine.length + 1);
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect((frame[4] ?? 0xff) & 0x04).toBe(0);
    expect(frameContentSize(frame)).toBe(example.length);
  });

  it('round-trips through readFafReplay, from a body given as an async stream', async () => {
    const path = join(temp.path, 'r.fafreplay');
    const chunks: Buffer[] = [];
    for (let at = headerBytes; at < example.length; at += 777) chunks.push(example.subarray(at, at + 777));
    await writeFafReplay(path, content({ body: Readable.from(chunks) }), { compressionLevel: 3 });
    const file = await readFafReplay(await readFile(path));
    expect(file.version).toBe(2);
    expect(file.json).toEqual(JSON.parse(encodeJsonHeader(game2000Metadata())));
    expect(firstDifference(file.replay, example)).toBe(-1);
  });

  it('writes a JSON line given as text as is, and refuses one with a newline', async () => {
    const path = join(temp.path, 'line.fafreplay');
    const jsonHeader = '{"uid":5,"version":2}';
    const scfaHeader = example.subarray(0, headerBytes);
    await writeFafReplay(path, { jsonHeader, scfaHeader, body: [example.subarray(headerBytes)] });
    expect((await readFafReplay(await readFile(path))).jsonLine).toBe('{"uid":5,"version":2}');
    await expect(writeFafReplay(join(temp.path, 'x'), content({ jsonHeader: '{}\n{}' }))).rejects.toThrow(
      RangeError,
    );
  });

  it('leaves an existing file alone unless told to replace it, and leaves no temp file', async () => {
    const path = join(temp.path, 'kept.fafreplay');
    await writeFile(path, 'an older file');
    await expect(writeFafReplay(path, content())).rejects.toBeInstanceOf(FileExistsError);
    expect(await readFile(path, 'utf8')).toBe('an older file');
    await writeFafReplay(path, content(), { replace: true });
    expect(firstDifference((await readFafReplay(await readFile(path))).replay, example)).toBe(-1);
    expect(await readdir(temp.path)).toEqual(['kept.fafreplay']);
  });

  it('fails, publishing nothing, when the body is not as long as it was said to be', async () => {
    const short = join(temp.path, 'short.fafreplay');
    await expect(writeFafReplay(short, content({ bodyLength: 50_000 }))).rejects.toThrow(RangeError);
    const long = join(temp.path, 'long.fafreplay');
    await expect(writeFafReplay(long, content({ bodyLength: 100 }))).rejects.toThrow(RangeError);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it('compresses harder at a higher level', async () => {
    const fast = await writeFafReplay(join(temp.path, 'fast'), content(), { compressionLevel: 1 });
    const strong = await writeFafReplay(join(temp.path, 'strong'), content(), { compressionLevel: 19 });
    expect(strong).toBeLessThan(fast);
  });

  it('refuses a compression level zstd does not have', async () => {
    await expect(writeFafReplay(join(temp.path, 'a'), content(), { compressionLevel: 23 })).rejects.toThrow(
      RangeError,
    );
    await expect(writeFafReplay(join(temp.path, 'b'), content(), { compressionLevel: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
