import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SelfTimeEntry } from './cpu-profile-summary.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ConnectionsResult } from './scenario-connections.ts';
import type { MemoryResult } from './scenario-memory.ts';
import type { PeakResult } from './scenario-peak.ts';
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
  readonly profiles: readonly ProfileResult[];
  /** Scenarios that could not finish (an exception, e.g. the server died), with the reason. */
  readonly failures: readonly string[];
}

/**
 * Writes `latest.json` and `latest.md`, and keeps the JSON of every run as
 * `<date>-<mode>.json` (results are committed; profiles are not).
 */
export function writeReport(resultsDir: string, report: BenchReport, markdown: string): string[] {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const datedJson = join(resultsDir, `${stamp}-${report.mode}.json`);
  const latestJson = join(resultsDir, 'latest.json');
  const latestMarkdown = join(resultsDir, 'latest.md');
  writeFileSync(datedJson, json);
  writeFileSync(latestJson, json);
  writeFileSync(latestMarkdown, markdown);
  return [datedJson, latestJson, latestMarkdown];
}
