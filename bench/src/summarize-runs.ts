import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './bench-report.ts';
import { describeMachine } from './machine-info.ts';
import { fixed, table } from './report-format.ts';
import { median } from './stats.ts';

/** One headline figure, read from a run's report (NaN when the run did not measure it). */
interface Figure {
  readonly name: string;
  readonly digits: number;
  readonly read: (report: BenchReport) => number | undefined;
}

const figures: readonly Figure[] = [
  {
    name: 'CPU per MB ingested, ratio to the baseline relay (×)',
    digits: 2,
    read: (r) => r.throughput?.cpuRatioToRelay,
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
    digits: 1,
    read: (r) => r.memory?.checkpoints.at(-1)?.rssPerGameMb,
  },
];

/** Medians of the headline figures over the last `runs` reports of one mode: the README's table. */
export function summarizeRuns(reports: readonly BenchReport[]): string {
  const rows = figures.map((figure) => {
    const values = reports.map((report) => figure.read(report) ?? Number.NaN);
    const measured = values.filter((value) => Number.isFinite(value));
    return [
      figure.name,
      fixed(median(measured), figure.digits),
      values.map((v) => fixed(v, figure.digits)).join(', '),
    ];
  });
  const machines = [...new Set(reports.map((report) => describeMachine(report.machine)))];
  return [
    `Medians of ${reports.length} \`${reports[0]?.command ?? 'pnpm bench'}\` runs ` +
      `(${reports.map((report) => report.startedAt).join(', ')}), on ${machines.join('; ')}.`,
    '',
    ...table(['figure', 'median', 'each run'], rows),
    '',
  ].join('\n');
}

export function readReports(resultsDir: string, mode: 'short' | 'full', runs: number): BenchReport[] {
  return readdirSync(resultsDir)
    .filter((name) => name.endsWith(`-${mode}.json`))
    .sort()
    .slice(-runs)
    .map((name) => JSON.parse(readFileSync(join(resultsDir, name), 'utf8')) as BenchReport);
}

if (import.meta.main) {
  const mode = process.argv.includes('--full') ? 'full' : 'short';
  const runs = Number(/--runs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 3);
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  const reports = readReports(resultsDir, mode, runs);
  if (reports.length === 0) throw new Error(`no ${mode} results in ${resultsDir}: run pnpm bench first`);
  const markdown = summarizeRuns(reports);
  writeFileSync(join(resultsDir, `summary-${mode}.md`), markdown);
  process.stdout.write(markdown);
}
