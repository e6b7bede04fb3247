import { benchPlans } from './bench-plans.ts';
import type { BenchReport } from './bench-report.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { memorySpan } from './memory-samples.ts';
import type { EndedResult } from './scenario-ended.ts';
import type { RecoveryResult } from './scenario-recovery.ts';
import type { ThroughputRun } from './scenario-throughput.ts';

/** Builders of reports for the report tests: a small plausible run, with overrides. */
export function testThroughputRun(overrides: Partial<ThroughputRun> = {}): ThroughputRun {
  return {
    target: 'server',
    ingestedMb: 100,
    cpuS: 1,
    mbPerCpuS: 100,
    cpuMsPerMb: 10,
    mbPerWallS: 200,
    peakRssMb: 300,
    diskBytesPerByteIngested: 0.6,
    generatorCpuShare: 0.2,
    readersComplete: 4,
    readersCorrupt: 0,
    readers: 4,
    readerFailures: [],
    shortReaders: [],
    savedFiles: { checked: 2, ok: 2, missing: 0, wrong: 0, failures: [] },
    problems: [],
    ...overrides,
  };
}

export function testReport(
  runs: readonly ThroughputRun[] = [testThroughputRun()],
  overrides: Partial<BenchReport> = {},
): BenchReport {
  return {
    schema: 1,
    mode: 'short',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 100,
    command: 'pnpm bench',
    commit: 'abc1234',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      ramGb: 8,
      node: 'v24.0.0',
      kernel: 'Linux 6',
      openFileLimit: 20_000,
      loadAverageBefore: 0.5,
    },
    fixture: { file: 'f.fafreplay', streamBytes: 1, ticks: 1 },
    profiles: [],
    failures: [],
    throughput: {
      plan: { games: 2, writersPerGame: 2, readersPerGame: 2, repetitions: 1 },
      runs,
      serverMbPerCpuS: 100,
      relayMbPerCpuS: 500,
      serverCpuMsPerMb: 10,
      relayCpuMsPerMb: 2,
      cpuRatioToRelay: 5,
      fastSaveCpuMsPerMb: 7,
      zstdCpuMsPerMb: 3,
      dataPathRatioToRelay: 3.5,
      diskBytesPerByteIngested: 0.6,
    },
    ...overrides,
  };
}

export function testGeneratorSummary(overrides: Partial<GeneratorSummary> = {}): GeneratorSummary {
  return {
    games: 2,
    writers: 4,
    readers: 2,
    sentBytes: 1_000,
    writerEndings: { end: 4 },
    readerEndings: { end: 2 },
    readersComplete: 2,
    readersShort: 0,
    readersCorrupt: 0,
    readersEmpty: 0,
    failures: [],
    shortReaders: [],
    readerLagMs: { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
    generatorLoopDelayMs: { p99: 1, max: 2 },
    ...overrides,
  };
}

export function testRecovery(overrides: Partial<RecoveryResult> = {}): RecoveryResult {
  return {
    plan: benchPlans('short').recovery,
    fixture: 'long.scfareplay',
    gameMinutes: { min: 11, max: 22 },
    streamMb: 357,
    liveLogGames: 500,
    liveLogMb: 719,
    flushWaitS: 3,
    restartAfterKillS: 2,
    listeningS: 9.25,
    allSavedS: 13.85,
    cpuS: 15.6,
    peakRssMb: 436,
    otherCores: 0.1,
    recoveredReplays: 500,
    savedReplays: 500,
    savedFiles: {
      checked: 500,
      ok: 500,
      missing: 0,
      wrong: 0,
      short: 0,
      lackingBytesMax: 0,
      lackingBytesTotal: 0,
      failures: [],
    },
    beforeKill: testGeneratorSummary(),
    problems: [],
    problemCount: 0,
    ...overrides,
  };
}

export function testEnded(overrides: Partial<EndedResult> = {}): EndedResult {
  const span = memorySpan([{ heapUsedBytes: 40e6, externalBytes: 5e6, rssBytes: 137e6 }]);
  return {
    plan: benchPlans('short').ended,
    fixture: 'long.scfareplay',
    streamMb: 1.57,
    idle: span,
    afterEnded: memorySpan([{ heapUsedBytes: 38e6, externalBytes: 29e6, rssBytes: 401e6 }]),
    growthMb: 22,
    growthMbPerGame: 0.22,
    rssGrowthMb: 264,
    playS: 22,
    final: testGeneratorSummary(),
    savedFiles: { checked: 100, ok: 100, missing: 0, wrong: 0, failures: [] },
    problems: [],
    ...overrides,
  };
}
