import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from './bench-report.ts';
import { readRunFigures } from './run-figures.ts';
import { summarizeRuns } from './summarize-runs.ts';
import { testReport } from './test-reports.ts';

function resultsDir(): string {
  return mkdtempSync(join(tmpdir(), 'faf-bench-results-'));
}

function reportWithRatio(day: number, ratio: number) {
  const base = testReport();
  return testReport(base.throughput?.runs, {
    startedAt: `2026-01-0${day}T00:00:00.000Z`,
    ...(base.throughput === undefined ? {} : { throughput: { ...base.throughput, cpuRatioToRelay: ratio } }),
  });
}

describe('writeReport', () => {
  it("keeps only the newest report of the run's mode, and every run's headline figures", () => {
    const dir = resultsDir();
    writeFileSync(join(dir, 'summary-short.md'), 'kept');
    writeReport(
      dir,
      testReport(undefined, { mode: 'full', startedAt: '2025-12-31T00:00:00.000Z' }),
      '# full',
    );
    [9, 4, 6, 5].forEach((ratio, i) => writeReport(dir, reportWithRatio(i + 1, ratio), `# run ${i + 1}`));
    expect(readdirSync(dir).sort()).toEqual([
      '2025-12-31T00-00-00-000Z-full.json',
      '2026-01-04T00-00-00-000Z-short.json',
      'figures-full.jsonl',
      'figures-short.jsonl',
      'latest.md',
      'summary-short.md',
    ]);
    expect(readFileSync(join(dir, 'latest.md'), 'utf8')).toBe('# run 4');
    expect(
      readRunFigures(dir, 'short', 10).map(
        (run) => run.values['CPU per MB ingested, ratio to the baseline relay (×)'],
      ),
    ).toEqual([9, 4, 6, 5]);
    expect(existsSync(join(dir, 'latest.json'))).toBe(false);
  });
});

describe('summarizeRuns', () => {
  it('takes the median of each headline figure over the last runs of a mode', () => {
    const dir = resultsDir();
    [9, 4, 6, 5].forEach((ratio, i) => writeReport(dir, reportWithRatio(i + 1, ratio), ''));
    writeReport(dir, testReport(undefined, { mode: 'full', startedAt: '2026-01-09T00:00:00.000Z' }), '');
    const runs = readRunFigures(dir, 'short', 3);
    expect(runs.map((run) => run.startedAt.slice(0, 10))).toEqual(['2026-01-02', '2026-01-03', '2026-01-04']);
    const markdown = summarizeRuns(runs);
    expect(markdown).toContain(
      '| CPU per MB ingested, ratio to the baseline relay (×) | 5.00 | 4.00, 6.00, 5.00 |',
    );
    expect(markdown).toContain('| Peak: server RSS, MB | n/a | n/a, n/a, n/a |');
    expect(markdown).toContain('Medians of 3 `pnpm bench` runs');
  });
});
