import { rm } from 'node:fs/promises';
import { readHttpStream, ReceivedStream } from '@faf-replay/client';
import type { HttpStreamResult } from '@faf-replay/client';
import { CliError, usageError } from './cli-error.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatBytes, formatClock, formatCount } from './format.js';
import { openOutputFile } from './output-file.js';
import { parseGameId } from './parse-game-id.js';
import { ProgressLine } from './progress-line.js';
import { watchSummary } from './watch-report.js';

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
  const progress = plan.quiet ? null : new ProgressLine(context.stderr);
  const startedMs = performance.now();
  const file = await openOutputFile(plan.output, plan.force);
  let result: HttpStreamResult;
  try {
    result = await readHttpStream(plan.url, {
      signal: context.signal,
      track: true,
      retryUntilMs: performance.now() + plan.waitMs,
      onRetry: (why) => progress?.update(`${plan.url}: ${why}; asking again`),
      onProgress: (received) =>
        progress?.update(
          `${formatBytes(received.bytes)}, ${formatCount(received.ticks)} ticks, game time ${formatClock(received.ticks)}`,
        ),
      onChunk: async (chunk) => {
        await file.write(chunk);
      },
    });
  } finally {
    await file.close();
  }
  progress?.done();
  return finish(plan, result, performance.now() - startedMs, context);
}

async function finish(
  plan: HttpWatchPlan,
  result: HttpStreamResult,
  elapsedMs: number,
  context: CommandContext,
): Promise<number> {
  const { ending } = result;
  const summary = result.summary ?? new ReceivedStream().finish();
  if (summary.bytes === 0 && result.refusedStatus !== null) {
    await rm(plan.output, { force: true });
    const reason = ending.kind === 'failed' ? ending.reason : String(result.refusedStatus);
    const notRunning =
      result.refusedStatus === 404 || result.refusedStatus === 410 || result.refusedStatus === 503;
    throw new CliError(
      notRunning ? 'GAME_NOT_RUNNING' : 'CONNECTION_FAILED',
      `${plan.url} refused: ${reason}`,
    );
  }
  context.stdout.write(`${watchSummary(plan.output, summary, elapsedMs)}\n`);
  if (result.resumes > 0)
    context.stdout.write(`resumed ${result.resumes} time(s) after a dropped connection\n`);
  if (ending.kind === 'aborted') return exitCodes.interrupted;
  if (ending.kind === 'failed') {
    context.stderr.write(`faf-replay watch: the stream broke (${ending.reason}); kept what came\n`);
    return exitCodes.failed;
  }
  return exitCodes.ok;
}
