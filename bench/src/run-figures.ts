import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './bench-report.ts';
import { describeMachine } from './machine-info.ts';

/** One headline figure, read from a run's report (NaN when the run did not measure it). */
export interface Figure {
  readonly name: string;
  readonly digits: number;
  readonly read: (report: BenchReport) => number | undefined;
}

export const figures: readonly Figure[] = [
  {
    name: 'CPU per MB ingested, ratio to the baseline relay (×)',
    digits: 2,
    read: (r) => r.throughput?.cpuRatioToRelay,
  },
  {
    name: 'The same without the compression of the saved replays (×)',
    digits: 2,
    read: (r) => r.throughput?.dataPathRatioToRelay,
  },
  {
    name: 'Disk written per byte ingested',
    digits: 2,
    read: (r) => r.throughput?.diskBytesPerByteIngested,
  },
  { name: 'Server: MB ingested per CPU-second', digits: 1, read: (r) => r.throughput?.serverMbPerCpuS },
  { name: 'Relay: MB ingested per CPU-second', digits: 1, read: (r) => r.throughput?.relayMbPerCpuS },
  {
    name: 'Peak (500 × 8 × 2): server CPU, % of a core',
    digits: 0,
    read: (r) => (r.peak?.window.cpuShare ?? Number.NaN) * 100,
  },
  { name: 'Peak: server RSS, MB', digits: 0, read: (r) => (r.peak?.window.rssBytes ?? Number.NaN) / 1e6 },
  {
    name: 'Peak: server RSS at its highest, as the games end and save, MB',
    digits: 0,
    read: (r) =>
      (r.peak?.peakRssBytes ?? Math.max(...(r.peak?.timeline ?? []).map((p) => p.rssMb * 1e6))) / 1e6,
  },
  {
    name: 'Peak: event-loop delay p99, ms (median of scrapes)',
    digits: 0,
    read: (r) => r.peak?.window.loopP99MedianMs,
  },
  {
    name: 'Peak: reader lag beyond the delay p99, ms',
    digits: 0,
    read: (r) => r.peak?.atSteadyState.readerLagMs.p99,
  },
  { name: 'Peak: other processes, cores', digits: 2, read: (r) => r.peak?.window.otherCores },
  {
    name: 'Games held (6 + 2) with event-loop p99 < 50 ms',
    digits: 0,
    read: (r) => r.connections?.maxGamesUnderLimit,
  },
  {
    name: 'RSS per live game at 48 min, MB',
    digits: 2,
    read: (r) => r.memory?.checkpoints.at(-1)?.rssPerGameMb,
  },
  {
    name: '… per additional live game, MB',
    digits: 2,
    read: (r) => r.memory?.checkpoints.at(-1)?.marginalRssPerGameMb,
  },
  { name: '… reachable (heap snapshots), MB', digits: 2, read: (r) => r.memory?.reachablePerGameMb },
  {
    name: 'Live game at the real rate: reachable, MB',
    digits: 2,
    read: (r) => r.memory?.realRate.reachablePerGameMb,
  },
  { name: '… its bound (256 KiB + delay window), MB', digits: 2, read: (r) => r.memory?.realRate.boundMb },
  { name: '… RSS over idle, MB', digits: 2, read: (r) => r.memory?.realRate.rssPerGameMb },
  {
    name: '… RSS per additional live game, MB',
    digits: 2,
    read: (r) => r.memory?.realRate.marginalRssPerGameMb,
  },
  {
    name: '… RSS the loaded process holds whatever its games, MB',
    digits: 0,
    read: (r) => r.memory?.realRate.fixedRssMb,
  },
  { name: 'HTTP fan-out: viewers held at once', digits: 0, read: (r) => r.http?.figures.heldAtOnce },
  {
    name: 'HTTP fan-out: server CPU ms per viewer-MB',
    digits: 2,
    read: (r) => r.http?.figures.cpuMsPerViewerMb,
  },
  {
    name: 'HTTP segment requests per second',
    digits: 0,
    read: (r) => r.http?.figures.segmentRequestsPerS,
  },
  {
    name: 'Recovery of 500 live games after kill -9: start to all saved, s',
    digits: 1,
    read: (r) => r.recovery?.allSavedS,
  },
  {
    name: 'Memory kept per ended game (heap + external over idle), MB',
    digits: 3,
    read: (r) => r.ended?.growthMbPerGame,
  },
];

/**
 * One run's headline figures: all that is kept of a run besides the newest report of its mode,
 * and what the summary's medians are taken over.
 */
export interface RunFigures {
  readonly startedAt: string;
  readonly command: string;
  readonly commit: string;
  readonly machine: string;
  /** By figure name; null where the run did not measure it. */
  readonly values: Readonly<Record<string, number | null>>;
}

export function runFigures(report: BenchReport): RunFigures {
  const values: Record<string, number | null> = {};
  for (const figure of figures) {
    const value = figure.read(report);
    values[figure.name] = value !== undefined && Number.isFinite(value) ? value : null;
  }
  return {
    startedAt: report.startedAt,
    command: report.command,
    commit: report.commit,
    machine: describeMachine(report.machine),
    values,
  };
}

/** `results/figures-<mode>.jsonl`: one line of headline figures per run, oldest first. */
export function figuresPath(resultsDir: string, mode: BenchReport['mode']): string {
  return join(resultsDir, `figures-${mode}.jsonl`);
}

export function appendRunFigures(resultsDir: string, report: BenchReport): string {
  const path = figuresPath(resultsDir, report.mode);
  appendFileSync(path, `${JSON.stringify(runFigures(report))}\n`);
  return path;
}

/** The figures of the last `runs` runs of a mode, oldest first. */
export function readRunFigures(resultsDir: string, mode: BenchReport['mode'], runs: number): RunFigures[] {
  const path = figuresPath(resultsDir, mode);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-runs)
    .map((line) => JSON.parse(line) as RunFigures);
}
