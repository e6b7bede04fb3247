import { vaultReplayPath } from '@faf-replay/adapter-fs';
import { formatBytes, formatClock, formatCount } from './format.js';
import { progressBar } from './progress-line.js';
import type { GameOutcome, SimulatedGame } from './simulated-game.js';

/** The simulation's live line: how much of the games was sent, and what readers have got. */
export function simulationProgressText(games: readonly SimulatedGame[]): string {
  let toSend = 0;
  let sent = 0;
  let received = 0;
  let ticks = 0;
  let totalTicks = 0;
  for (const game of games) {
    toSend += game.bytesToSend;
    totalTicks = Math.max(totalTicks, game.totalTicks);
    for (const writer of game.writerProgress) {
      sent += writer.bytesSent;
      ticks = Math.max(ticks, writer.ticksSent);
    }
    for (const reader of game.readerProgress) received += reader.bytesReceived;
  }
  const fraction = toSend === 0 ? 1 : sent / toSend;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const readers = `received ${formatBytes(received)}`;
  if (sent < toSend) {
    const time = `game time ${formatClock(ticks)}/${formatClock(totalTicks)}`;
    return `${progressBar(fraction)} ${percent}  ${time}  sent ${formatBytes(sent)}/${formatBytes(toSend)}  ${readers}`;
  }
  return `${progressBar(1)} 100%  all sent; waiting for the server to end the games (delay and grace)  ${readers}`;
}

const HEADINGS = ['game', 'replay', 'writers', 'bytes sent', 'readers verified', 'time'];

/** The table and verdict `simulate` ends with. */
export function simulationSummary(outcomes: readonly GameOutcome[], elapsedMs: number): string {
  const rows = outcomes.map((outcome) => [
    outcome.gameId.toString(),
    outcome.replays.join(', '),
    String(outcome.writers.length),
    formatCount(outcome.bytesSent),
    readersCell(outcome),
    `${(outcome.durationMs / 1000).toFixed(1)} s`,
  ]);
  const widths = HEADINGS.map((heading, i) =>
    Math.max(heading.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(HEADINGS), ...rows.map(line), '', ...verdictLines(outcomes, elapsedMs)].join('\n');
}

function readersCell(outcome: GameOutcome): string {
  if (outcome.readers.length === 0) return '-';
  const ok = outcome.readers.filter((reader) => reader.verdict === 'ok').length;
  return ok === outcome.readers.length ? `${ok}/${ok} OK` : `${ok}/${outcome.readers.length} OK, FAILED`;
}

function verdictLines(outcomes: readonly GameOutcome[], elapsedMs: number): string[] {
  const problems = outcomes.flatMap(problemsOf);
  const writers = outcomes.reduce((sum, outcome) => sum + outcome.writers.length, 0);
  const readers = outcomes.reduce((sum, outcome) => sum + outcome.readers.length, 0);
  const sent = formatCount(outcomes.reduce((sum, outcome) => sum + outcome.bytesSent, 0));
  const games = `${outcomes.length} game${outcomes.length === 1 ? '' : 's'}`;
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (problems.length > 0)
    return [...problems, `FAILED: ${problems.length} problem(s) in ${games}, after ${seconds}`];
  const checked =
    readers === 0
      ? 'no readers checked them'
      : readers === 1
        ? 'the reader received what it should'
        : `all ${readers} readers received what they should`;
  const first = outcomes[0];
  const hint =
    first === undefined
      ? []
      : [
          `The server saves game ${first.gameId} as ${vaultReplayPath('<vault>', first.gameId)} ` +
            `(the vault of "pnpm start" is data/replays)`,
        ];
  return [`OK: ${games}, ${writers} writers sent ${sent} bytes, ${checked}, in ${seconds}`, ...hint];
}

function problemsOf(outcome: GameOutcome): string[] {
  const problems: string[] = [];
  outcome.writers.forEach((ending, i) => {
    if (ending.kind !== 'done') {
      const why = ending.kind === 'failed' ? ending.reason : 'interrupted';
      problems.push(`game ${outcome.gameId} writer ${i + 1}: ${why}`);
    }
  });
  for (const reader of outcome.readers) {
    if (reader.verdict !== 'ok') problems.push(`game ${outcome.gameId} ${reader.name}: ${reader.detail}`);
  }
  return problems;
}
