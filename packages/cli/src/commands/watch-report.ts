import { formatServerAddress } from '@faf-replay/client';
import type { ReceivedProgress, ReceivedStreamSummary } from '@faf-replay/client';
import { formatBytes, formatClock, formatCount, formatGameTime } from './format.js';
import type { WatchPlan } from './watch-command.js';

export function watchProgressText(
  plan: Pick<WatchPlan, 'gameId' | 'address'>,
  stream: ReceivedProgress,
): string {
  const where = `game ${plan.gameId} @ ${formatServerAddress(plan.address)}`;
  if (!stream.hasHeader) return `${where}: ${formatBytes(stream.bytes)}, waiting for the replay header`;
  return `${where}: ${formatBytes(stream.bytes)}, ${formatCount(stream.ticks)} ticks, game time ${formatClock(stream.ticks)}`;
}

/** The lines `watch` ends with: what was saved, and what it holds. */
export function watchSummary(output: string, summary: ReceivedStreamSummary, elapsedMs: number): string {
  const lines: string[] = [];
  if (summary.headerBytes === null) {
    lines.push(`saved ${output}: ${formatCount(summary.bytes)} bytes, without a complete replay header`);
  } else {
    const bodyBytes = summary.bytes - summary.headerBytes;
    lines.push(
      `saved ${output}: ${formatCount(summary.bytes)} bytes ` +
        `(SCFA header ${formatCount(summary.headerBytes)}, body ${formatCount(bodyBytes)})`,
    );
  }
  const body = summary.body;
  if (body?.status === 'ok') {
    const end = body.endsWithEndGame ? 'ends with EndGame' : 'no EndGame (the recording stopped)';
    lines.push(`${formatCount(body.ticks)} ticks, ${formatGameTime(body.ticks)} of game time; ${end}`);
  } else if (body !== null) {
    lines.push(
      `the body is ${body.status} at body offset ${formatCount(body.offset)} (${formatCount(body.ticksBefore)} ticks before)`,
    );
  }
  lines.push(`watched for ${(elapsedMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
