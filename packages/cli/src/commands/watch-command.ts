import { formatServerAddress, parseServerAddress, readGame, ReceivedStream } from '@faf-replay/client';
import type { ReadResult, ServerAddress } from '@faf-replay/client';
import type { GameId } from '@faf-replay/core';
import { CliError, usageError } from './cli-error.js';
import type { CommandContext } from './command-context.js';
import { LazyOutputFile } from './lazy-output-file.js';
import { checkOutputFile } from './output-file.js';
import { parseGameId } from './parse-game-id.js';
import { ProgressLine } from './progress-line.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';
import { httpStreamUrl, watchOverHttp } from './watch-http.js';
import { watchOutcome } from './watch-outcome.js';
import { watchProgressText } from './watch-report.js';

const usage = `Usage: faf-replay watch <host:port|ws://host:port> <gameId> -o <file.scfareplay> [options]
       faf-replay watch <http(s)://host:15002/api/v1/games/<gameId>/stream> -o <file.scfareplay> [options]
       faf-replay watch <http(s)://host:15002> <gameId> -o <file.scfareplay> [options]

Watches a live game as the FAF client does (over TCP, or WebSocket with a ws:// address; delayed
by the server's replay.delay_s) and saves the raw replay stream it receives, which "faf-replay
inspect" reads and "faf-replay pack" turns into a .fafreplay. A progress line on stderr shows
bytes, ticks and game time; the summary goes to stdout. Exits 0 when the server ends the stream,
1 when the game is not running, the server cannot be reached or the connection breaks, 130 on
Ctrl-C (what came is kept). Over HTTP (the server's http_port), a dropped connection is resumed
from the offset already saved, and a token in the URL (?verify=...) is kept.

Options:
  -o, --output <file>  where to save the stream (required)
  --wait <seconds>     ask again for a game that is not running yet (or a server not up yet),
                       for up to this long (default 0: ask once)
  --name <name>        the name the server logs for this reader (default watcher.SCFAreplay)
  --force              overwrite an existing file
  --quiet              no progress line
  -h, --help           this help`;

const options = {
  output: { type: 'string', short: 'o' },
  wait: { type: 'string', default: '0' },
  name: { type: 'string', default: 'watcher.SCFAreplay' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const RETRY_MS = 1_000;

export interface WatchPlan {
  readonly address: ServerAddress;
  readonly gameId: GameId;
  readonly output: string;
  readonly name: string;
  readonly waitMs: number;
}

/** `faf-replay watch <host:port> <gameId> -o <file>`. */
export function watchCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('watch', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, options);
    if (/^https?:\/\//i.test(positionals[0] ?? '')) {
      if (values.output === undefined) throw usageError('missing -o <file.scfareplay>');
      if (positionals.length > 2) throw usageError(`unexpected argument "${positionals[2] ?? ''}"`);
      const url = httpStreamUrl(positionals[0] ?? '', positionals[1]);
      const waitMs = secondsOption('--wait', values.wait) * 1000;
      const flags = { force: values.force === true, quiet: values.quiet === true };
      return watchOverHttp({ url, output: values.output, waitMs, ...flags }, context);
    }
    const [address = '', gameId = ''] = positionalsOf(positionals, ['host:port', 'gameId']);
    if (values.output === undefined) throw usageError('missing -o <file.scfareplay>');
    const plan = {
      address: parseServerAddress(address),
      gameId: parseGameId(gameId),
      output: values.output,
      name: values.name,
      waitMs: secondsOption('--wait', values.wait) * 1000,
    };
    return watchOverTcp(plan, { force: values.force === true, quiet: values.quiet === true }, context);
  });
}

async function watchOverTcp(
  plan: WatchPlan,
  flags: { readonly force: boolean; readonly quiet: boolean },
  context: CommandContext,
): Promise<number> {
  await checkOutputFile(plan.output, flags.force);
  const progress = flags.quiet ? null : new ProgressLine(context.stderr);
  const file = new LazyOutputFile(plan.output, flags.force);
  const startedMs = performance.now();
  const result = await watchToFile(plan, file, progress, context.signal).finally(() => file.close());
  progress?.done();
  const where = formatServerAddress(plan.address);
  const notRunning = (): CliError =>
    new CliError(
      'GAME_NOT_RUNNING',
      `the server sent nothing: game ${plan.gameId} is not running on ${where}, or no longer takes readers` +
        (plan.waitMs > 0 ? '' : ' (--wait <seconds> asks again until it starts)'),
    );
  const summary = result.summary ?? new ReceivedStream().finish();
  const elapsedMs = performance.now() - startedMs;
  return watchOutcome({ ending: result.ending, file, summary, elapsedMs, notRunning }, context);
}

/** Reads the game into `file`, asking again for up to `--wait` while it has not started. */
function watchToFile(
  plan: WatchPlan,
  file: LazyOutputFile,
  progress: ProgressLine | null,
  signal: AbortSignal | undefined,
): Promise<ReadResult> {
  const where = formatServerAddress(plan.address);
  return readGame(plan.address, {
    gameId: plan.gameId,
    name: plan.name,
    signal: signal === undefined ? file.failed : AbortSignal.any([signal, file.failed]),
    track: true,
    retryUntilMs: performance.now() + plan.waitMs,
    retryIntervalMs: RETRY_MS,
    retryUnreachable: true,
    onRetry: () => progress?.update(`game ${plan.gameId} is not on ${where} yet; asking again`),
    onProgress: (received) => progress?.update(watchProgressText(plan, received)),
    onChunk: (chunk) => file.write(chunk),
  });
}

function secondsOption(name: string, text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`${name} must be a number of seconds, got "${text}"`);
  }
  return seconds;
}
