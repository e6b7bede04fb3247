import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { BenchContext } from './bench-context.ts';
import type { ProfileResult } from './bench-report.ts';
import { newestCpuProfile, readCpuProfile, summarizeCpuProfile } from './cpu-profile-summary.ts';
import { throughputRun as throughputRunOf } from './scenario-throughput.ts';
import type { ThroughputPlan } from './scenario-throughput.ts';

/** One more throughput run with the server under `node --cpu-prof`, and its top self-time functions. */
export async function profileThroughput(
  context: BenchContext,
  plan: ThroughputPlan,
  profileDir: string,
): Promise<ProfileResult> {
  mkdirSync(profileDir, { recursive: true });
  const throughputRun = await throughputRunOf(context, 'server', plan, { cpuProfileDir: profileDir });
  return { ...summarizeNewest(context, 'throughput', profileDir), throughputRun };
}

/** The newest profile the server wrote into `profileDir`, summarized. */
export function summarizeNewest(
  context: BenchContext,
  scenario: ProfileResult['scenario'],
  profileDir: string,
): ProfileResult {
  const file = newestCpuProfile(profileDir);
  if (file === undefined) throw new Error(`the server wrote no .cpuprofile into ${profileDir}`);
  const summary = summarizeCpuProfile(readCpuProfile(file), 15);
  context.log(`${scenario} profile: ${file}`);
  return { scenario, file: relative(process.cwd(), file), busyMs: summary.busyMs, top: summary.top };
}
