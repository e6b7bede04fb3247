import { CliError, usageError } from './cli-error.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatCount } from './format.js';
import { loadReplayFile } from './load-replay-file.js';
import { writeOutputFile } from './output-file.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';

const usage = `Usage: faf-replay extract <file.fafreplay> -o <out.scfareplay> [--header <out.json>] [--force]

Writes the raw replay stream (SCFA header and body) held in a .fafreplay file, version 1 or 2:
the bytes the game sent, which the game itself can replay.

Options:
  -o, --output <file>  where to write the raw stream (required)
  --header <file>      also write the JSON header line there (for "faf-replay pack --header")
  --force              overwrite existing files
  -h, --help           this help`;

const options = {
  output: { type: 'string', short: 'o' },
  header: { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `faf-replay extract <file.fafreplay> -o <out.scfareplay>`. */
export function extractCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('extract', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, options);
    const [input = ''] = positionalsOf(positionals, ['file.fafreplay']);
    if (values.output === undefined) throw usageError('missing -o <out.scfareplay>');
    const file = await loadReplayFile(input);
    if (file.faf === null) {
      throw new CliError(
        'REPLAY_FILE_INVALID',
        `${input} is already a raw replay stream: nothing to extract`,
      );
    }
    const force = values.force === true;
    await writeOutputFile(values.output, file.stream, force);
    context.stdout.write(
      `wrote ${values.output}: ${formatCount(file.stream.length)} bytes (raw replay stream)\n`,
    );
    if (values.header !== undefined) {
      await writeOutputFile(values.header, `${file.faf.jsonLine}\n`, force);
      context.stdout.write(
        `wrote ${values.header}: the JSON header of .fafreplay version ${file.faf.version}\n`,
      );
    }
    return exitCodes.ok;
  });
}
