import { stat } from 'node:fs/promises';
import { TICKS_PER_SECOND } from '@faf-replay/client';
import type { ReplayMetadata } from '@faf-replay/core';
import { analyzeStream, bodyProblem } from './analyze-stream.js';
import type { StreamAnalysis } from './analyze-stream.js';
import { CliError, usageError } from './cli-error.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatCount } from './format.js';
import { loadReplayFile, readInput } from './load-replay-file.js';
import type { ReplayFile } from './load-replay-file.js';
import { packFafReplay } from './pack-fafreplay.js';
import { derivedMetadata, gameIdFor, jsonLineFromText } from './pack-header.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';

const usage = `Usage: faf-replay pack <raw.scfareplay> -o <file.fafreplay> [options]

Writes a .fafreplay file (version 2: the JSON header line, then zstd of the raw stream), as the
server saves it to the vault. The stream must be a whole replay stream (header and body).

Options:
  -o, --output <file>       where to write (required)
  --header <file.json>      the JSON header to use (e.g. from "faf-replay extract --header");
                            without it, the header is derived from the stream as standalone mode does
  --game-id <id>            the game id of a derived header (default: the file name's leading digits)
  --compression-level <n>   zstd level 1..22 (default 10, the server's)
  --force                   overwrite an existing file
  -h, --help                this help`;

const options = {
  output: { type: 'string', short: 'o' },
  header: { type: 'string' },
  'game-id': { type: 'string' },
  'compression-level': { type: 'string', default: '10' },
  force: { type: 'boolean' },
} as const;

/** `faf-replay pack <raw> -o <file.fafreplay>`. */
export function packCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('pack', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, options);
    const [input = ''] = positionalsOf(positionals, ['raw.scfareplay']);
    if (values.output === undefined) throw usageError('missing -o <file.fafreplay>');
    const level = compressionLevelOf(values['compression-level']);
    const file = await loadReplayFile(input);
    if (file.faf !== null) throw new CliError('REPLAY_FILE_INVALID', `${input} is already a .fafreplay file`);
    const analysis = analyzeStream(file.stream, input);
    const problem = bodyProblem(analysis.body);
    if (problem !== null) throw new CliError('STREAM_CORRUPT', `${input}: ${problem}`);
    const header = await jsonHeaderFor(values.header, values['game-id'], file, analysis);
    const written = await packFafReplay(values.output, header, file.stream, analysis.header.headerBytes, {
      compressionLevel: level,
      force: values.force === true,
    });
    context.stdout.write(
      `wrote ${values.output}: ${formatCount(written)} bytes (.fafreplay version 2, stream of ${formatCount(file.stream.length)} bytes)\n`,
    );
    return exitCodes.ok;
  });
}

/** The user's JSON line (`--header`), or metadata derived from the stream as standalone mode does. */
async function jsonHeaderFor(
  headerFile: string | undefined,
  gameIdOption: string | undefined,
  file: ReplayFile,
  analysis: StreamAnalysis,
): Promise<{ metadata: ReplayMetadata; jsonLine?: string }> {
  const ticks = analysis.body.status === 'ok' ? analysis.body.ticks : 0;
  const facts = {
    scfaHeader: file.stream.subarray(0, analysis.header.headerBytes),
    endedAtMs: (await stat(file.path)).mtimeMs,
    durationMs: (ticks * 1000) / TICKS_PER_SECOND,
  };
  if (headerFile === undefined) {
    return { metadata: derivedMetadata({ ...facts, gameId: gameIdFor(gameIdOption, file.path) }) };
  }
  const jsonLine = jsonLineFromText((await readInput(headerFile)).toString('utf8'), headerFile);
  return { metadata: derivedMetadata({ ...facts, gameId: 0n }), jsonLine };
}

function compressionLevelOf(text: string): number {
  const level = Number(text);
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw usageError(`--compression-level must be a whole number from 1 to 22, got "${text}"`);
  }
  return level;
}
