import { describe, expect, it } from 'vitest';
import type { BenchReport } from './bench-report.ts';
import { renderMarkdown } from './report-markdown.ts';
import { findCorruption } from './result-checks.ts';
import type { ThroughputRun } from './scenario-throughput.ts';

function run(overrides: Partial<ThroughputRun> = {}): ThroughputRun {
  return {
    target: 'server',
    ingestedMb: 100,
    cpuS: 1,
    mbPerCpuS: 100,
    cpuMsPerMb: 10,
    mbPerWallS: 200,
    peakRssMb: 300,
    generatorCpuShare: 0.2,
    readersComplete: 4,
    readersCorrupt: 0,
    readers: 4,
    readerFailures: [],
    savedFiles: { checked: 2, ok: 2, missing: 0, wrong: 0, failures: [] },
    problems: [],
    ...overrides,
  };
}

function report(runs: ThroughputRun[]): BenchReport {
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
    throughput: {
      plan: { games: 2, writersPerGame: 2, readersPerGame: 2, repetitions: 1 },
      runs,
      serverMbPerCpuS: 100,
      relayMbPerCpuS: 500,
      serverCpuMsPerMb: 10,
      relayCpuMsPerMb: 2,
      cpuRatioToRelay: 5,
    },
  };
}

describe('the Markdown report', () => {
  it('leads with the ratio to the baseline, the machine and how to rerun', () => {
    const markdown = renderMarkdown(report([run({ target: 'relay', savedFiles: undefined }), run()]));
    expect(markdown).toContain('Machine: Test CPU, 2 cores, 8 GB RAM, Node v24.0.0');
    expect(markdown).toContain('Rerun: `pnpm bench`');
    expect(markdown).toContain('| CPU per MB ingested, ratio to the baseline relay | **5.0×** |');
    expect(markdown).toContain('readers 4/4 complete, files 2/2 equal');
    expect(markdown).not.toContain("FAF's peak");
  });
});

describe('findCorruption', () => {
  it('fails a run only on bytes that differ', () => {
    expect(findCorruption(report([run({ readersComplete: 3 })]))).toEqual([]);
    const corrupt = run({
      readersCorrupt: 1,
      readerFailures: ['game 1 reader 0: differs from byte 9 (of 10)'],
      savedFiles: {
        checked: 2,
        ok: 1,
        missing: 0,
        wrong: 1,
        failures: ['game 2: differs from byte 3 (of 10)'],
      },
    });
    expect(findCorruption(report([corrupt]))).toEqual([
      'throughput server: 1 readers got bytes that differ (game 1 reader 0: differs from byte 9 (of 10))',
      'throughput server: 1 saved files differ (game 2: differs from byte 3 (of 10))',
    ]);
  });
});
