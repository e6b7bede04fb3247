import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import type { BenchContext } from './bench-context.ts';
import { BenchUsageError, parseBenchOptions, usage } from './bench-options.ts';
import type { BenchOptions, ScenarioName } from './bench-options.ts';
import { benchPlans } from './bench-plans.ts';
import { writeReport } from './bench-report.ts';
import type { BenchReport, ProfileResult } from './bench-report.ts';
import { describeMachine, machineInfo } from './machine-info.ts';
import { profileThroughput, summarizeNewest } from './profile-run.ts';
import { loadReplaySource } from './replay-source.ts';
import { renderMarkdown } from './report-markdown.ts';
import { findCorruption } from './result-checks.ts';
import { runConnections } from './scenario-connections.ts';
import { runEnded } from './scenario-ended.ts';
import { runHttp } from './scenario-http.ts';
import { runMemory } from './scenario-memory.ts';
import { runPeak } from './scenario-peak.ts';
import type { PeakPlan, PeakResult } from './scenario-peak.ts';
import { runRecovery } from './scenario-recovery.ts';
import { runThroughput } from './scenario-throughput.ts';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const profileDir = join(resultsDir, 'profiles');

function log(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

function options(): BenchOptions {
  try {
    return parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${usage}\n`);
    process.exit(2);
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

type Measured = Pick<
  BenchReport,
  'throughput' | 'peak' | 'connections' | 'memory' | 'recovery' | 'ended' | 'http' | 'profiles' | 'failures'
>;

type Attempt = <T>(name: string, work: () => Promise<T>) => Promise<T | undefined>;

/** Runs a scenario; one that throws (say, the server died) is noted in `failures` and the rest run. */
function attempter(failures: string[]): Attempt {
  return async (name, work) => {
    try {
      return await work();
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      log(`FAILED ${failures.at(-1) ?? name}`);
      return undefined;
    }
  };
}

/** Runs the chosen scenarios, in the report's order, and the profiles asked for. */
async function measure(chosen: BenchOptions, context: BenchContext): Promise<Measured> {
  const plans = benchPlans(chosen.mode);
  const failures: string[] = [];
  const attempt = attempter(failures);
  const when = <T>(name: ScenarioName, work: () => Promise<T>): Promise<T | undefined> =>
    chosen.scenarios.has(name) ? attempt(name, work) : Promise.resolve(undefined);
  const profiles: ProfileResult[] = [];
  const throughput = await when('throughput', () => runThroughput(context, plans.throughput));
  if (chosen.profile.has('throughput')) {
    const profile = await attempt('profile', () => profileThroughput(context, plans.throughput, profileDir));
    if (profile !== undefined) profiles.push(profile);
  }
  const peak = await when('peak', () => profiledPeak(chosen, context, plans.peak, { attempt, profiles }));
  const connections = await when('connections', () => runConnections(context, plans.connections));
  const memory = await when('memory', () => runMemory(context, plans.memory));
  const recovery = await when('recovery', () => runRecovery(context, plans.recovery));
  const ended = await when('ended', () => runEnded(context, plans.ended));
  const http = await when('http', () => runHttp(context, plans.http));
  return { throughput, peak, connections, memory, recovery, ended, http, profiles, failures };
}

/** The peak scenario, its server under `node --cpu-prof` when asked (its profile joins `profiles`). */
async function profiledPeak(
  chosen: BenchOptions,
  context: BenchContext,
  plan: PeakPlan,
  into: { readonly attempt: Attempt; readonly profiles: ProfileResult[] },
): Promise<PeakResult> {
  if (!chosen.profile.has('peak')) return runPeak(context, plan);
  mkdirSync(profileDir, { recursive: true });
  const peak = await runPeak(context, plan, profileDir);
  const summarize = (): Promise<ProfileResult> =>
    Promise.resolve(summarizeNewest(context, 'peak', profileDir));
  const profile = await into.attempt('peak profile', summarize);
  if (profile !== undefined) into.profiles.push(profile);
  return peak;
}

async function run(chosen: BenchOptions, context: BenchContext): Promise<Omit<BenchReport, 'durationS'>> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`${chosen.mode} run on ${describeMachine(machine)}`);
  const measured = await measure(chosen, context);
  return {
    schema: 1,
    mode: chosen.mode,
    startedAt,
    command: `pnpm bench ${process.argv
      .slice(2)
      .filter((arg) => arg !== '--')
      .join(' ')}`.trim(),
    commit: commit(),
    machine,
    fixture: {
      file: fixtureFacts.vault.file,
      streamBytes: fixtureFacts.vault.streamBytes,
      ticks: fixtureFacts.vault.ticks,
    },
    ...measured,
  };
}

const chosen = options();
const startedMs = performance.now();
const context: BenchContext = {
  source: loadReplaySource(fixturePath(fixtureFacts.vault.file)),
  full: chosen.mode === 'full',
  fileLimit: machineInfo().openFileLimit,
  log,
  release: (target) => {
    if (chosen.keepData) log(`kept ${target.kind} data and log in ${target.dataDir}`);
    else target.removeData();
  },
};
const report: BenchReport = {
  ...(await run(chosen, context)),
  durationS: (performance.now() - startedMs) / 1000,
};
const markdown = renderMarkdown(report);
process.stdout.write(`\n${markdown}\n`);
if (!chosen.dryRun) for (const path of writeReport(resultsDir, report, markdown)) log(`wrote ${path}`);
const corruption = findCorruption(report);
for (const line of corruption) log(`CHECK FAILED: ${line}`);
process.exitCode = corruption.length > 0 || report.failures.length > 0 ? 1 : 0;
