import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import type { InspectReport } from './inspect-report.js';
import { inspectCommand } from './inspect-command.js';
import { capturedContext } from './testing/captured-output.js';

async function inspect(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const context = capturedContext();
  const code = await inspectCommand(argv, context);
  return { code, stdout: context.stdout.text, stderr: context.stderr.text };
}

async function inspectJson(path: string): Promise<InspectReport> {
  const { code, stdout } = await inspect(path, '--json');
  expect(code).toBe(0);
  return JSON.parse(stdout) as InspectReport;
}

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'faf-inspect-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('faf-replay inspect', () => {
  it('reports the 28,917 ticks (48 min 12 s) of a real vault file, with its JSON and SCFA headers', async () => {
    const { code, stdout, stderr } = await inspect(fixturePath(fixtureFacts.vault.file));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('.fafreplay version 2, 512,858 bytes');
    expect(stdout).toMatch(/ticks\s+28,917 \(48 min 12 s of game time\)/);
    expect(stdout).toContain('"uid": 8653680');
    expect(stdout).toContain('Supreme Commander v1.50.3698');
    expect(stdout).toContain('scmp_009 (/maps/SCMP_009/SCMP_009.scmap)');
    expect(stdout).toMatch(/ 1 {2}PlodoNoob +team 3 +Cybran +human/);
    expect(stdout).toMatch(/10 {2}civilian +team 1 +faction 5 +civilian/);
    expect(stdout).toMatch(/ends with EndGame\s+no/);
  });

  it('gives the same facts as JSON', async () => {
    const report = await inspectJson(fixturePath(fixtureFacts.vault.file));
    expect(report.file).toMatchObject({ format: 'fafreplay', bytes: 512_858 });
    expect(report.fafreplayVersion).toBe(2);
    expect(report.jsonHeader).toMatchObject({ uid: 8653680, mapname: 'scmp_009' });
    expect(report.streamBytes).toBe(fixtureFacts.vault.streamBytes);
    expect(report.scfaHeader).toMatchObject({
      bytes: fixtureFacts.vault.headerBytes,
      mapName: 'scmp_009',
      mods: [],
    });
    expect(report.scfaHeader.players).toHaveLength(8);
    expect(report.scfaHeader.armies[2]).toEqual({
      index: 3,
      name: 'Mizer',
      team: 3,
      faction: 4,
      factionName: 'Seraphim',
      kind: 'human',
      player: 'Mizer',
    });
    expect(report.body).toMatchObject({
      status: 'ok',
      bytes: fixtureFacts.vault.streamBytes - fixtureFacts.vault.headerBytes,
      ticks: 28_917,
      gameTimeS: 2_891.7,
      gameTime: '48 min 12 s',
      endsWithEndGame: false,
      problem: null,
    });
  });

  it('reads a raw stream and the server-saved file of the same game alike: 1,928 ticks', async () => {
    const raw = await inspectJson(fixturePath(fixtureFacts.example.file));
    const saved = await inspectJson(fixturePath(fixtureFacts.game2000.file));
    expect(raw).toMatchObject({
      fafreplayVersion: null,
      jsonHeader: null,
      streamBytes: fixtureFacts.example.bytes,
    });
    expect(saved.jsonHeader).toMatchObject({ uid: 2000 });
    expect([raw.body.ticks, saved.body.ticks]).toEqual([1_928, 1_928]);
    expect(saved.scfaHeader).toEqual(raw.scfaHeader);
    expect(raw.body.gameTime).toBe('3 min 13 s');
  });

  it('reports a truncated body and exits 1', async () => {
    const cut = fixture(fixtureFacts.example.file).subarray(0, fixtureFacts.example.bytes - 2);
    const { code, stdout, stderr } = await inspect(tempFile('cut.scfareplay', cut));
    expect(code).toBe(1);
    expect(stdout).toMatch(/status\s+truncated at body offset/);
    expect(stderr).toContain('the body is truncated');
  });

  it.each([
    [
      'a missing file',
      () => '/nonexistent/replay.fafreplay',
      'cannot read /nonexistent/replay.fafreplay: no such file',
    ],
    [
      'a corrupt .fafreplay',
      () => tempFile('x.fafreplay', Buffer.from('{"version":2}\nnot zstd')),
      'is not a valid .fafreplay file',
    ],
    [
      'a file that is no replay',
      () => tempFile('x.scfareplay', Buffer.from('hello')),
      'is not a replay stream',
    ],
  ])('exits 1 with a clear message on %s', async (_, path, message) => {
    const { code, stdout, stderr } = await inspect(path());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('exits 2 on bad arguments and prints help', async () => {
    expect((await inspect()).stderr).toContain('missing <file>');
    expect((await inspect('a', 'b')).code).toBe(2);
    expect((await inspect('--bogus', 'a')).stderr).toContain("Unknown option '--bogus'");
    const help = await inspect('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: faf-replay inspect <file> [--json]');
  });
});
