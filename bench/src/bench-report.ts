import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SelfTimeEntry } from './cpu-profile-summary.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ConnectionsResult } from './scenario-connections.ts';
import type { HttpResult } from './scenario-http.ts';
import type { EndedResult } from './scenario-ended.ts';
import type { MemoryResult } from './scenario-memory.ts';
import { appendRunFigures } from './run-figures.ts';
import type { PeakResult } from './scenario-peak.ts';
import type { RecoveryResult } from './scenario-recovery.ts';
import type { ThroughputResult, ThroughputRun } from './scenario-throughput.ts';

/** The server's CPU profile under one scenario (`--profile`, `--profile=peak`). */
export interface ProfileResult {
  readonly scenario: 'throughput' | 'peak';
  readonly file: string;
  readonly busyMs: number;
  readonly top: readonly SelfTimeEntry[];
  /** The profiled throughput run (not in the medians: the profiler slows it). */
  readonly throughputRun?: ThroughputRun;
}

/** Everything one run measured: the JSON report, from which the Markdown one is written. */
export interface BenchReport {
  readonly schema: 1;
  readonly mode: 'short' | 'full';
  readonly startedAt: string;
  readonly durationS: number;
  readonly command: string;
  readonly commit: string;
  readonly machine: MachineInfo;
  readonly fixture: { readonly file: string; readonly streamBytes: number; readonly ticks: number };
  readonly throughput?: ThroughputResult | undefined;
  readonly peak?: PeakResult | undefined;
  readonly connections?: ConnectionsResult | undefined;
  readonly memory?: MemoryResult | undefined;
  readonly http?: HttpResult | undefined;
  readonly recovery?: RecoveryResult | undefined;
  readonly ended?: EndedResult | undefined;
  readonly profiles: readonly ProfileResult[];
  /** Scenarios that could not finish (an exception, e.g. the server died), with the reason. */
  readonly failures: readonly string[];
}

/**
 * Writes the run's report as `<date>-<mode>.json` and removes the older reports of its mode (only
 * the newest of each mode is kept: a full report is thousands of lines), appends its headline
 * figures to `figures-<mode>.jsonl` (the summary's medians come from there), and writes the
 * Markdown report as `latest.md`. Results are committed; profiles are not.
 */
export function writeReport(resultsDir: string, report: BenchReport, markdown: string): string[] {
  mkdirSync(resultsDir, { recursive: true });
  const name = `${report.startedAt.replace(/[:.]/g, '-')}-${report.mode}.json`;
  const datedJson = join(resultsDir, name);
  const latestMarkdown = join(resultsDir, 'latest.md');
  writeFileSync(datedJson, `${JSON.stringify(report, null, 2)}\n`);
  for (const older of readdirSync(resultsDir)) {
    if (older !== name && isReportOf(older, report.mode)) rmSync(join(resultsDir, older));
  }
  const figures = appendRunFigures(resultsDir, report);
  writeFileSync(latestMarkdown, markdown);
  return [datedJson, figures, latestMarkdown];
}

/** `2026-11-21T07-59-30-952Z-short.json`: a run's report of that mode. */
function isReportOf(fileName: string, mode: BenchReport['mode']): boolean {
  return /^\d{4}-\d\d-\d\dT[\d-]+Z-(short|full)\.json$/.test(fileName) && fileName.endsWith(`-${mode}.json`);
}
