import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './report-markdown.ts';
import { findCorruption } from './result-checks.ts';
import { testReport as report, testThroughputRun as run } from './test-reports.ts';

describe('the Markdown report', () => {
  it('leads with the ratio to the baseline, the machine and how to rerun', () => {
    const markdown = renderMarkdown(report([run({ target: 'relay', savedFiles: undefined }), run()]));
    expect(markdown).toContain('Machine: Test CPU, 2 cores, 8 GB RAM, Node v24.0.0');
    expect(markdown).toContain('Rerun: `pnpm bench`');
    expect(markdown).toContain(
      '| CPU per MB ingested, ratio to the baseline relay | **5.0×** (3.5× without the zstd level 10 compression of the saved replays) |',
    );
    expect(markdown).toContain('| Disk written per byte ingested | 0.60 |');
    expect(markdown).toContain('Disk written per byte ingested: **0.60**');
    expect(markdown).toContain('readers 4/4 complete, files 2/2 equal');
    expect(markdown).not.toContain("FAF's peak");
    expect(markdown).not.toContain('HTTP fan-out');
  });

  it('reports the HTTP fan-out: viewers held, CPU per viewer-MB and segment requests', () => {
    const figures = {
      viewers: 5000,
      streamBytes: 1_565_410,
      connected: 5000,
      heldAtOnce: 4990,
      complete: 4990,
      failed: 10,
      deliveredMb: 7811.4,
      elapsedS: 35.8,
      serverCpuS: 8.7,
      cpuMsPerViewerMb: 1.114,
      segmentRequestsPerS: 8187.2,
      segmentRequestsFailed: 0,
    };
    const markdown = renderMarkdown(report([run()], { http: { plan: { viewers: 5000 }, figures } }));
    expect(markdown).toContain(
      '| HTTP fan-out: stream viewers of one game held, CPU per viewer-MB | 4990 viewers (4990 complete), 1.11 ms; 8187 segment requests/s |',
    );
    expect(markdown).toContain('## Scenario 6: HTTP fan-out');
    expect(markdown).toContain('| viewers complete / failed | 4990 / 10 |');
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
