import { readHttpStream, ReceivedStream } from '@faf-replay/client';
import type { HttpStreamResult } from '@faf-replay/client';
import { CliError, usageError } from './cli-error.js';
import type { CommandContext } from './command-context.js';
import { formatBytes, formatClock, formatCount } from './format.js';
import { LazyOutputFile } from './lazy-output-file.js';
import { checkOutputFile } from './output-file.js';
import { parseGameId } from './parse-game-id.js';
import { ProgressLine } from './progress-line.js';
import { watchOutcome } from './watch-outcome.js';

export interface HttpWatchPlan {
  /** `http(s)://host:port/api/v1/games/<id>/stream`, with its query (a token) kept. */
  readonly url: string;
  readonly output: string;
  readonly waitMs: number;
  readonly force: boolean;
  readonly quiet: boolean;
}

/**
 * The stream URL of `watch <url> [gameId]`: a full `/api/v1/games/<id>/stream` URL, or the API's
 * base URL and a game id.
 */
export function httpStreamUrl(text: string, gameId: string | undefined): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`"${text}" is not an http(s) URL`);
  }
  if (/\/api\/v1\/games\/\d{1,20}\/stream$/.test(url.pathname)) {
    if (gameId !== undefined) throw usageError(`unexpected argument "${gameId}": the URL names the game`);
    return url.href;
  }
  if (gameId === undefined)
    throw usageError("missing <gameId> (or give the game's .../api/v1/games/<id>/stream URL)");
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/games/${parseGameId(gameId)}/stream`;
  return url.href;
}

/** `watch http(s)://...`: saves the stream, resuming from its offset after a dropped connection. */
export async function watchOverHttp(plan: HttpWatchPlan, context: CommandContext): Promise<number> {
  await checkOutputFile(plan.output, plan.force);
  const progress = plan.quiet ? null : new ProgressLine(context.stderr);
  const file = new LazyOutputFile(plan.output, plan.force);
  const startedMs = performance.now();
  const result = await readHttpStream(plan.url, {
    signal: context.signal === undefined ? file.failed : AbortSignal.any([context.signal, file.failed]),
    track: true,
    retryUntilMs: performance.now() + plan.waitMs,
    onRetry: (why) => progress?.update(`${plan.url}: ${why}; asking again`),
    onProgress: (received) =>
      progress?.update(
        `${formatBytes(received.bytes)}, ${formatCount(received.ticks)} ticks, game time ${formatClock(received.ticks)}`,
      ),
    onChunk: (chunk) => file.write(chunk),
  }).finally(() => file.close());
  progress?.done();
  if (file.bytesWritten === 0 && result.refusedStatus !== null) throw refusal(plan, result);
  const notes = result.resumes > 0 ? [`resumed ${result.resumes} time(s) after a dropped connection`] : [];
  const notRunning = (): CliError =>
    new CliError('GAME_NOT_RUNNING', `${plan.url} sent nothing: the stream was empty`);
  return watchOutcome(
    {
      ending: result.ending,
      file,
      summary: result.summary ?? new ReceivedStream().finish(),
      elapsedMs: performance.now() - startedMs,
      notRunning,
      notes,
    },
    context,
  );
}

function refusal(plan: HttpWatchPlan, result: HttpStreamResult): CliError {
  const reason = result.ending.kind === 'failed' ? result.ending.reason : String(result.refusedStatus);
  const status = result.refusedStatus;
  const notRunning = status === 404 || status === 410 || status === 503;
  return new CliError(
    notRunning ? 'GAME_NOT_RUNNING' : 'CONNECTION_FAILED',
    `${plan.url} refused: ${reason}`,
  );
}
