import type { ConnectionEnding, ReceivedStreamSummary } from '@faf-replay/client';
import { CliError } from './cli-error.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatCount } from './format.js';
import type { LazyOutputFile } from './lazy-output-file.js';
import { watchSummary } from './watch-report.js';

export interface WatchEnd {
  readonly ending: ConnectionEnding;
  readonly file: LazyOutputFile;
  readonly summary: ReceivedStreamSummary;
  readonly elapsedMs: number;
  /** The error for a clean end before any byte: the server has no such game (yet). */
  readonly notRunning: () => CliError;
  /** Lines for the summary, after what was saved. */
  readonly notes?: readonly string[];
}

/**
 * The exit code of a watch, once its file is closed. When no byte was written there is no file
 * (see `LazyOutputFile`) and the user is told why nothing came; when some were, they are kept
 * and the summary says what they hold, and a break or a bad header says that they are partial.
 */
export function watchOutcome(end: WatchEnd, context: CommandContext): number {
  const { ending, file } = end;
  if (file.error !== null) {
    const kept = file.bytesWritten > 0 ? `; kept the ${formatCount(file.bytesWritten)} bytes written` : '';
    throw new CliError(file.error.code, `${file.error.message}${kept}`, { cause: file.error });
  }
  if (file.bytesWritten === 0) return nothingCame(end, context);
  context.stdout.write(
    `${[watchSummary(file.path, end.summary, end.elapsedMs), ...(end.notes ?? [])].join('\n')}\n`,
  );
  if (ending.kind === 'aborted') return exitCodes.interrupted;
  if (ending.kind === 'failed') {
    context.stderr.write(
      `faf-replay watch: the connection broke (${ending.reason}); ` +
        `kept the ${formatCount(file.bytesWritten)} bytes that came in ${file.path}\n`,
    );
    return exitCodes.failed;
  }
  if (end.summary.headerProblem !== null) {
    context.stderr.write(
      `faf-replay watch: the server sent no valid replay header: ${end.summary.headerProblem}\n`,
    );
    return exitCodes.failed;
  }
  return exitCodes.ok;
}

function nothingCame(end: WatchEnd, context: CommandContext): number {
  const { ending } = end;
  if (ending.kind === 'end') throw end.notRunning();
  if (ending.kind === 'aborted') {
    context.stderr.write('faf-replay watch: interrupted before any byte came; no file written\n');
    return exitCodes.interrupted;
  }
  throw new CliError(
    'CONNECTION_FAILED',
    `the connection broke before any byte came (${ending.reason}); no file written`,
  );
}
