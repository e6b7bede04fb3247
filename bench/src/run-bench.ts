import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import type { BenchContext } from './bench-context.ts';
import { BenchUsageError, parseBenchOptions, usage } from './bench-options.ts';
import type { BenchOptions } from './bench-options.ts';
import { benchPlans } from './bench-plans.ts';
import type { BenchPlans } from './bench-plans.ts';
import { writeReport } from './bench-report.ts';
import type { BenchReport, ProfileResult } from './bench-report.ts';
import { describeMachine, machineInfo } from './machine-info.ts';
import { profileThroughput, summarizeNewest } from './profile-run.ts';
import { loadReplaySource } from './replay-source.ts';
import { renderMarkdown } from './report-markdown.ts';
import { findCorruption } from './result-checks.ts';
import { runConnections } from './scenario-connections.ts';
import { runEnded } from './scenario-ended.ts';
import { runMemory } from './scenario-memory.ts';
import { runPeak } from './scenario-peak.ts';
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
  'throughput' | 'peak' | 'connections' | 'memory' | 'recovery' | 'ended' | 'profiles' | 'failures'
>;

/** Runs one scenario; one that throws (say, the server died) is recorded in `failures`. */
type Attempt = <T>(name: string, work: () => Promise<T>) => Promise<T | undefined>;

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

/** Runs the chosen scenarios; one that throws (say, the server died) is reported and the rest run. */
async function measure(chosen: BenchOptions, context: BenchContext): Promise<Measured> {
  const plans = benchPlans(chosen.mode);
  const wanted = chosen.scenarios;
  const failures: string[] = [];
  const attempt = attempter(failures);
  const profiles: ProfileResult[] = [];
  const peakProfileDir = chosen.profile.has('peak') ? profileDir : undefined;
  if (peakProfileDir !== undefined) mkdirSync(peakProfileDir, { recursive: true });
  const throughput = wanted.has('throughput')
    ? await attempt('throughput', () => runThroughput(context, plans.throughput))
    : undefined;
  if (chosen.profile.has('throughput')) {
    const profile = await attempt('profile', () => profileThroughput(context, plans.throughput, profileDir));
    if (profile !== undefined) profiles.push(profile);
  }
  const peak = wanted.has('peak')
    ? await attempt('peak', () => runPeak(context, plans.peak, peakProfileDir))
    : undefined;
  if (peak !== undefined && peakProfileDir !== undefined) {
    const profile = await attempt('peak profile', () =>
      Promise.resolve(summarizeNewest(context, 'peak', peakProfileDir)),
    );
    if (profile !== undefined) profiles.push(profile);
  }
  const connections = wanted.has('connections')
    ? await attempt('connections', () => runConnections(context, plans.connections))
    : undefined;
  const memory = wanted.has('memory')
    ? await attempt('memory', () => runMemory(context, plans.memory))
    : undefined;
  const durability = await measureDurability(wanted, context, plans, attempt);
  return { throughput, peak, connections, memory, ...durability, profiles, failures };
}

/** A crash and its recovery, and the memory ended games leave behind. */
async function measureDurability(
  wanted: BenchOptions['scenarios'],
  context: BenchContext,
  plans: BenchPlans,
  attempt: Attempt,
): Promise<Pick<BenchReport, 'recovery' | 'ended'>> {
  const recovery = wanted.has('recovery')
    ? await attempt('recovery', () => runRecovery(context, plans.recovery))
    : undefined;
  const ended = wanted.has('ended')
    ? await attempt('ended', () => runEnded(context, plans.ended))
    : undefined;
  return { recovery, ended };
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
