import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { fixture, fixtureFacts, fixturePath, firstDifference } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import type { Command } from './command-context.js';
import { extractCommand } from './extract-command.js';
import { packCommand } from './pack-command.js';
import { capturedContext } from './testing/captured-output.js';

async function run(
  command: Command,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const context = capturedContext();
  const code = await command(argv, context);
  return { code, stdout: context.stdout.text, stderr: context.stderr.text };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'faf-pack-'));
}

describe('faf-replay extract', () => {
  it('writes the raw stream of a version-2 file and its JSON line', async () => {
    const dir = tempDir();
    const out = join(dir, 'game.scfareplay');
    const header = join(dir, 'game.json');
    const result = await run(
      extractCommand,
      fixturePath(fixtureFacts.game2000.file),
      '-o',
      out,
      '--header',
      header,
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`wrote ${out}: 43,544 bytes`);
    expect(firstDifference(readFileSync(out), fixture(fixtureFacts.example.file))).toBe(-1);
    const jsonLine = readFileSync(header, 'utf8');
    expect(jsonLine.endsWith('\n')).toBe(true);
    expect(Buffer.byteLength(jsonLine)).toBe(fixtureFacts.game2000.jsonLineBytes + 1);
  });

  it('refuses a raw stream, a missing file, an existing output and a missing -o', async () => {
    const out = join(tempDir(), 'x.scfareplay');
    writeFileSync(out, 'keep me');
    const raw = await run(extractCommand, fixturePath(fixtureFacts.example.file), '-o', join(tempDir(), 'y'));
    expect([raw.code, raw.stderr]).toEqual([1, expect.stringContaining('is already a raw replay stream')]);
    expect((await run(extractCommand, '/nonexistent.fafreplay', '-o', out)).stderr).toContain('no such file');
    const exists = await run(extractCommand, fixturePath(fixtureFacts.game2000.file), '-o', out);
    expect([exists.code, exists.stderr]).toEqual([
      1,
      expect.stringContaining('the file exists (use --force'),
    ]);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect((await run(extractCommand, fixturePath(fixtureFacts.game2000.file))).code).toBe(2);
  });
});

describe('faf-replay pack', () => {
  it('round-trips extract: same JSON line byte for byte, same stream', async () => {
    const dir = tempDir();
    const [raw, header, packed] = [join(dir, 'r.scfareplay'), join(dir, 'h.json'), join(dir, 'p.fafreplay')];
    expect(
      (await run(extractCommand, fixturePath(fixtureFacts.vault.file), '-o', raw, '--header', header)).code,
    ).toBe(0);
    const result = await run(packCommand, raw, '-o', packed, '--header', header, '--compression-level', '3');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const original = await readFafReplay(fixture(fixtureFacts.vault.file));
    const repacked = await readFafReplay(readFileSync(packed));
    expect(repacked.jsonLine).toBe(original.jsonLine);
    expect(firstDifference(repacked.replay, original.replay)).toBe(-1);
  });

  it('derives the JSON header from the stream as standalone mode does', async () => {
    const packed = join(tempDir(), 'p.fafreplay');
    const result = await run(
      packCommand,
      fixturePath(fixtureFacts.example.file),
      '-o',
      packed,
      '--game-id',
      '2000',
    );
    expect(result.code).toBe(0);
    const file = await readFafReplay(readFileSync(packed));
    expect(file.version).toBe(2);
    expect(file.json).toMatchObject({
      uid: 2000,
      mapname: 'scmp_016',
      num_players: 2,
      teams: { '2': ['MazorNoob'], '3': ['dragonite'] },
      metadata_origin: 'scfa-header',
    });
    expect((file.json['game_end'] as number) - (file.json['launched_at'] as number)).toBeCloseTo(193, -1);
    expect(firstDifference(file.replay, fixture(fixtureFacts.example.file))).toBe(-1);
  });

  it('takes the game id from a file named after its game, and completes a hand-written header', async () => {
    const dir = tempDir();
    const raw = join(dir, '8468507.scfareplay');
    writeFileSync(raw, fixture(fixtureFacts.example.file));
    expect((await run(packCommand, raw, '-o', join(dir, 'a.fafreplay'))).code).toBe(0);
    expect((await readFafReplay(readFileSync(join(dir, 'a.fafreplay')))).json['uid']).toBe(8_468_507);
    writeFileSync(join(dir, 'h.json'), '{\n  "uid": 5,\n  "title": "mine"\n}\n');
    expect(
      (await run(packCommand, raw, '-o', join(dir, 'b.fafreplay'), '--header', join(dir, 'h.json'))).code,
    ).toBe(0);
    const file = await readFafReplay(readFileSync(join(dir, 'b.fafreplay')));
    expect(file.jsonLine).toBe('{"uid":5,"title":"mine","version":2,"compression":"zstd"}');
  });

  it.each([
    ['a corrupt stream', (dir: string) => [write(dir, 'x.scfareplay', 'garbage')], 'is not a replay stream'],
    [
      'a truncated body',
      (dir: string) => [
        write(
          dir,
          '1.scfareplay',
          fixture(fixtureFacts.example.file).subarray(0, fixtureFacts.example.bytes - 2),
        ),
      ],
      'the body is truncated',
    ],
    ['a .fafreplay input', () => [fixturePath(fixtureFacts.game2000.file)], 'is already a .fafreplay file'],
    [
      'a header of another version',
      (dir: string) => [
        fixturePath(fixtureFacts.example.file),
        '--header',
        write(dir, 'h.json', '{"version":1}'),
      ],
      '"version" must be 2',
    ],
    [
      'a header that is not JSON',
      (dir: string) => [fixturePath(fixtureFacts.example.file), '--header', write(dir, 'h.json', '{')],
      'is not JSON',
    ],
  ])('exits 1 on %s', async (_, args, message) => {
    const dir = tempDir();
    const result = await run(packCommand, ...args(dir), '-o', join(dir, 'out.fafreplay'));
    expect([result.code, result.stderr]).toEqual([1, expect.stringContaining(message)]);
  });

  it('exits 2 on bad options', async () => {
    const example = fixturePath(fixtureFacts.example.file);
    const out = join(tempDir(), 'o.fafreplay');
    expect((await run(packCommand, example, '-o', out, '--compression-level', '30')).stderr).toContain(
      '1 to 22',
    );
    expect((await run(packCommand, example, '-o', out)).stderr).toContain('give --game-id');
    expect((await run(packCommand, example, '-o', out, '--game-id', '-3')).code).toBe(2);
    expect((await run(packCommand, example)).stderr).toContain('missing -o');
  });
});

function write(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
