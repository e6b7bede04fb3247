import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { readVersions, versionText } from '../cli-version.js';
import { CapturedOutput } from './testing/captured-output.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: new CapturedOutput(), stderr: new CapturedOutput() };
  const code = await runCli(argv, {}, output);
  return { code, stdout: output.stdout.text, stderr: output.stderr.text };
}

describe('faf-replay subcommands', () => {
  it.each(['help', '--help', '-h'])('lists every command, one line each, on %s', async (word) => {
    const help = await cli(word);
    expect([help.code, help.stderr]).toEqual([0, '']);
    for (const command of ['serve', 'inspect', 'extract', 'pack', 'watch', 'games', 'simulate', 'version']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S.*$`, 'm'));
    }
  });

  it.each(['inspect', 'extract', 'pack', 'watch', 'games', 'simulate'])(
    'gives %s its help, as "<command> --help" and "help <command>"',
    async (command) => {
      const asked = await cli(command, '--help');
      expect(asked.code).toBe(0);
      expect(asked.stdout).toContain(`Usage: faf-replay ${command}`);
      expect(await cli('help', command)).toEqual(asked);
    },
  );

  it('refuses help for an unknown command with exit 2', async () => {
    const result = await cli('help', 'nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('faf-replay: unknown command "nope"');
  });

  it.each(['--version', '-V', 'version'])('prints the version on %s', async (word) => {
    expect(await cli(word)).toEqual({ code: 0, stdout: `${versionText(readVersions())}\n`, stderr: '' });
    expect(versionText(readVersions())).toMatch(/^faf-replay \d+\.\d+\.\d+/);
  });

  it('runs a subcommand with the given output', async () => {
    const result = await cli('inspect', fixturePath(fixtureFacts.example.file), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ body: { ticks: 1_928 } });
  });

  it('ignores the "--" that "pnpm start -- <flags>" passes along', async () => {
    const result = await cli('--', 'inspect', '--help');
    expect([result.code, result.stdout]).toEqual([0, expect.stringContaining('Usage: faf-replay inspect')]);
  });

  it('refuses an unknown command with exit 2', async () => {
    const result = await cli('constructor');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('faf-replay: unknown command "constructor"');
  });
});
