import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { CapturedOutput } from './testing/captured-output.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: new CapturedOutput(), stderr: new CapturedOutput() };
  const code = await runCli(argv, {}, output);
  return { code, stdout: output.stdout.text, stderr: output.stderr.text };
}

describe('faf-replay subcommands', () => {
  it('lists every command', async () => {
    const help = await cli('help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'inspect', 'extract', 'pack', 'watch', 'simulate']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it.each(['inspect', 'extract', 'pack', 'watch', 'simulate'])('gives %s its --help', async (command) => {
    const result = await cli(command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: faf-replay ${command}`);
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
