import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, zstdCompress } from 'node:zlib';
import { analyzeStream, bodyProblem } from './analyze-stream.js';
import type { StreamAnalysis } from './analyze-stream.js';
import { CliError, usageError } from './cli-error.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatCount, TICKS_PER_SECOND } from './format.js';
import { loadReplayFile, readInput } from './load-replay-file.js';
import type { ReplayFile } from './load-replay-file.js';
import { writeOutputFile } from './output-file.js';
import { derivedJsonLine, gameIdFor, jsonLineFromText } from './pack-json-line.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';

const compress = promisify(zstdCompress);

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
    const jsonLine = await jsonLineFor(values.header, values['game-id'], file, analysis);
    const packed = Buffer.concat([Buffer.from(`${jsonLine}\n`), await zstdOf(file.stream, level)]);
    await writeOutputFile(values.output, packed, values.force === true);
    context.stdout.write(
      `wrote ${values.output}: ${formatCount(packed.length)} bytes (.fafreplay version 2, stream of ${formatCount(file.stream.length)} bytes)\n`,
    );
    return exitCodes.ok;
  });
}

async function jsonLineFor(
  headerFile: string | undefined,
  gameIdOption: string | undefined,
  file: ReplayFile,
  analysis: StreamAnalysis,
): Promise<string> {
  if (headerFile !== undefined)
    return jsonLineFromText((await readInput(headerFile)).toString('utf8'), headerFile);
  const ticks = analysis.body.status === 'ok' ? analysis.body.ticks : 0;
  return derivedJsonLine({
    gameId: gameIdFor(gameIdOption, file.path),
    scfaHeader: file.stream.subarray(0, analysis.header.headerBytes),
    endedAtMs: (await stat(file.path)).mtimeMs,
    durationMs: (ticks * 1000) / TICKS_PER_SECOND,
  });
}

function compressionLevelOf(text: string): number {
  const level = Number(text);
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw usageError(`--compression-level must be a whole number from 1 to 22, got "${text}"`);
  }
  return level;
}

/** One zstd frame without checksum, like the server's files. */
function zstdOf(stream: Uint8Array, level: number): Promise<Buffer> {
  return compress(stream, {
    params: {
      [constants.ZSTD_c_compressionLevel]: level,
      [constants.ZSTD_c_checksumFlag]: 0,
      [constants.ZSTD_c_contentSizeFlag]: 1,
    },
  });
}
