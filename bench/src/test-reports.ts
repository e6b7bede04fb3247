import type { BenchReport } from './bench-report.ts';
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
      zstdCpuMsPerMb: 3,
      dataPathRatioToRelay: 3.5,
      diskBytesPerByteIngested: 0.6,
    },
    ...overrides,
  };
}
