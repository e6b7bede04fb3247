import { deflateSync } from 'node:zlib';
import { firstDifference, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { readFafReplay } from './read-faf-replay.js';
import type { ReplayFileFault } from './replay-file-error.js';
import { ReplayFileError } from './replay-file-error.js';

function versionOneFile(jsonLine: string, replay: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(replay.length);
  const payload = Buffer.concat([length, deflateSync(replay, { level: 9 })]).toString('base64');
  return Buffer.from(`${jsonLine}\n${payload}`);
}

async function faultOf(
  bytes: Uint8Array,
  options: { maxReplayBytes?: number } = {},
): Promise<ReplayFileFault> {
  const error: unknown = await readFafReplay(bytes, options).then(
    () => new Error('read a corrupt file without error'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReplayFileError);
  expect((error as ReplayFileError).code).toBe('REPLAY_FILE_INVALID');
  return (error as ReplayFileError).fault;
}

describe('readFafReplay', () => {
  it('reads a real version-2 file from the FAF vault', async () => {
    const file = await readFafReplay(fixture(fixtureFacts.vault.file));
    expect(file.version).toBe(2);
    expect(file.json['uid']).toBe(8_653_680);
    expect(file.replay.length).toBe(fixtureFacts.vault.streamBytes);
    // The SCFA header ends where the body's first frame (SetCommandSource, type 1, 4 bytes) begins.
    const headerEnd = fixtureFacts.vault.headerBytes;
    expect([...file.replay.subarray(headerEnd, headerEnd + 4)]).toEqual([0x01, 0x04, 0x00, 0x00]);
  });

  it("reads the Rust server's game_2000.fafreplay back to exactly example.scfareplay", async () => {
    const bytes = fixture(fixtureFacts.game2000.file);
    const file = await readFafReplay(bytes);
    expect(file.version).toBe(2);
    expect(file.json).toMatchObject({ uid: 2000, compression: 'zstd', title: 'Game for integration test 1' });
    expect(Buffer.byteLength(file.jsonLine)).toBe(fixtureFacts.game2000.jsonLineBytes);
    expect(firstDifference(file.replay, fixture(fixtureFacts.example.file))).toBe(-1);
  });

  it('reads a version-1 file (base64 of length ‖ zlib) built here', async () => {
    const example = fixture(fixtureFacts.example.file);
    const jsonLine = '{"uid":1111,"complete":true,"featured_mod":"faf","game_type":0}';
    const file = await readFafReplay(versionOneFile(jsonLine, example));
    expect(file.version).toBe(1);
    expect(file.jsonLine).toBe(jsonLine);
    expect(file.json['uid']).toBe(1111);
    expect(firstDifference(file.replay, example)).toBe(-1);
  });

  it('takes an explicit "version":1 as version 1', async () => {
    const file = await readFafReplay(versionOneFile('{"version":1}', Buffer.from('abc')));
    expect(file.version).toBe(1);
    expect(Buffer.from(file.replay).toString()).toBe('abc');
  });

  describe('refuses a broken file with a ReplayFileError', () => {
    const good = fixture(fixtureFacts.game2000.file);
    const newline = good.indexOf(0x0a);
    const jsonLine = good.subarray(0, newline).toString();
    const example = fixture(fixtureFacts.example.file);

    it.each<[string, () => Uint8Array, ReplayFileFault]>([
      ['empty', () => new Uint8Array(0), 'no-json-line'],
      ['truncated inside the JSON line', () => good.subarray(0, 100), 'no-json-line'],
      ['truncated right after the JSON line', () => good.subarray(0, newline + 1), 'bad-payload'],
      ['truncated inside the zstd frame', () => good.subarray(0, good.length - 10), 'bad-payload'],
      ['not zstd after the line', () => Buffer.from(`${jsonLine}\nnot zstd at all`), 'bad-payload'],
      ['broken JSON', () => Buffer.concat([Buffer.from('{"uid":2000,'), good.subarray(newline)]), 'bad-json'],
      ['a JSON array', () => Buffer.concat([Buffer.from('[2]'), good.subarray(newline)]), 'bad-json'],
      [
        'invalid UTF-8 in the line',
        () => Buffer.concat([Buffer.from([0x7b, 0xff, 0x7d]), good.subarray(newline)]),
        'bad-json',
      ],
      ['version 3', () => Buffer.from('{"version":3}\nxx'), 'unsupported-version'],
      ['version "2" as a string', () => Buffer.from('{"version":"2"}\nxx'), 'unsupported-version'],
      ['version 1 with non-base64 text', () => Buffer.from('{}\n!!not base64!!'), 'bad-payload'],
      ['version 1 without a length prefix', () => Buffer.from('{}\nAAA='), 'bad-payload'],
      [
        'version 1 with a wrong length prefix',
        () => wrongLength(versionOneFile('{}', example)),
        'bad-payload',
      ],
      ['version 1 truncated', () => versionOneFile('{}', example).subarray(0, 3000), 'bad-payload'],
    ])('%s', async (_name, bytes, fault) => {
      expect(await faultOf(bytes())).toBe(fault);
    });

    it('larger than the limit given', async () => {
      expect(await faultOf(good, { maxReplayBytes: 40_000 })).toBe('bad-payload');
      expect(await faultOf(versionOneFile('{}', example), { maxReplayBytes: 40_000 })).toBe('bad-payload');
    });
  });
});

function wrongLength(file: Buffer): Buffer {
  const newline = file.indexOf(0x0a);
  const decoded = Buffer.from(file.subarray(newline + 1).toString(), 'base64');
  decoded.writeUInt32BE(decoded.readUInt32BE(0) + 1);
  return Buffer.concat([file.subarray(0, newline + 1), Buffer.from(decoded.toString('base64'))]);
}
