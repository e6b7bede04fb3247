import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReports, summarizeRuns } from './summarize-runs.ts';
import { testReport } from './test-reports.ts';

describe('summarizeRuns', () => {
  it('takes the median of each headline figure over the last runs of a mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faf-bench-results-'));
    const ratios = [9, 4, 6, 5];
    ratios.forEach((ratio, i) => {
      const base = testReport();
      const report = testReport(base.throughput?.runs, {
        startedAt: `2026-01-0${i + 1}T00:00:00.000Z`,
        ...(base.throughput === undefined
          ? {}
          : { throughput: { ...base.throughput, cpuRatioToRelay: ratio } }),
      });
      writeFileSync(join(dir, `2026-01-0${i + 1}-short.json`), JSON.stringify(report));
    });
    writeFileSync(join(dir, '2026-01-09-full.json'), JSON.stringify(testReport()));
    const reports = readReports(dir, 'short', 3);
    expect(reports.map((report) => report.startedAt.slice(0, 10))).toEqual([
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ]);
    const markdown = summarizeRuns(reports);
    expect(markdown).toContain(
      '| CPU per MB ingested, ratio to the baseline relay (×) | 5.00 | 4.00, 6.00, 5.00 |',
    );
    expect(markdown).toContain('| Peak: server RSS, MB | n/a | n/a, n/a, n/a |');
    expect(markdown).toContain('Medians of 3 `pnpm bench` runs');
  });
});
