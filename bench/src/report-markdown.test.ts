import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './report-markdown.ts';
import { findCorruption } from './result-checks.ts';
import { runFigures } from './run-figures.ts';
import {
  testEnded,
  testGeneratorSummary,
  testRecovery,
  testReport as report,
  testThroughputRun as run,
} from './test-reports.ts';

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
    expect(markdown).not.toContain('Durability');
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

  it('gives the recovery and the ended games a headline row, a section and a figure each', () => {
    const durable = report([run()], { recovery: testRecovery(), ended: testEnded() });
    const markdown = renderMarkdown(durable);
    expect(markdown).toContain(
      '| Recovery of 500 live games after kill -9: start to ready / to all saved | 9.3 s / **13.8 s**',
    );
    expect(markdown).toContain(
      '| Memory kept after 100 ended games (heap + external over idle) | 22.0 MB = **0.220 MB per ended game**',
    );
    expect(markdown).toContain('## Durability: recovery of live games after kill -9');
    expect(markdown).toContain('| start to every game saved | 13.85 s |');
    expect(markdown).toContain('## Durability: memory after ended games');
    expect(markdown).toContain('| external | 5 MB | 29 MB | 29 MB | 24.0 MB |');
    const values = runFigures(durable).values;
    expect(values['Recovery of 500 live games after kill -9: start to all saved, s']).toBe(13.85);
    expect(values['Memory kept per ended game (heap + external over idle), MB']).toBe(0.22);
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

  it('fails a recovery that lost more than the last fsync interval, or saved other bytes', () => {
    expect(findCorruption(report([run()], { recovery: testRecovery(), ended: testEnded() }))).toEqual([]);
    const savedFiles = {
      ...testRecovery().savedFiles,
      ok: 498,
      wrong: 1,
      short: 1,
      failures: ['game 1: differs from byte 5 (of 10 sent)', 'game 2: lacks 9 of 10 bytes sent (allowed 0)'],
    };
    expect(findCorruption(report([run()], { recovery: testRecovery({ savedFiles }) }))).toEqual([
      'recovery: 1 saved files differ from what was sent and 1 lack more than the last fsync interval ' +
        '(game 1: differs from byte 5 (of 10 sent); game 2: lacks 9 of 10 bytes sent (allowed 0))',
    ]);
  });
});

describe('the memory section', () => {
  it('gives RSS per game at each checkpoint, the bound, and what stays reachable per game', () => {
    const point = (minutes: number, rss: number, marginal: number) => ({
      fraction: minutes / 48,
      streamMb: minutes / 10,
      gameMinutes: minutes,
      rssPerGameMb: rss,
      heapPerGameMb: 0.2,
      externalPerGameMb: 0.5,
      marginalRssPerGameMb: marginal,
      windowMb: 0.19,
      targetMb: 0.45,
    });
    const realRate = { games: 200, writersPerGame: 8, readersPerGame: 2, delayS: 5, rampUpS: 10, holdS: 20 };
    const memory = {
      plan: {
        games: 24,
        comparisonGames: 12,
        writersPerGame: 8,
        readersPerGame: 2,
        speedUp: 100,
        delayS: 1,
        checkpoints: [0.5, 1],
        realRate,
      },
      idleRssMb: 140,
      checkpoints: [point(24, 0.4, 0.3), point(48, 2.2, 0.5)],
      fixedMbPerGame: 0.1,
      rssMbPerStreamMb: 0.2,
      marginalFixedMbPerGame: 0.15,
      marginalMbPerStreamMb: 0.04,
      comparison: { final: testGeneratorSummary(), savedFiles: undefined },
      reachablePerGameMb: 0.57,
      final: testGeneratorSummary(),
      savedFiles: undefined,
      problems: [],
      realRate: {
        plan: realRate,
        rssPerGameMb: 0.6,
        marginalRssPerGameMb: 0.25,
        fixedRssMb: 70,
        youngGenerationIdleMb: 2,
        youngGenerationLoadedMb: 33,
        reachablePerGameMb: 0.16,
        boundMb: 0.27,
        readersComplete: 400,
        readers: 400,
        filesOk: 200,
        files: 200,
      },
    };
    const markdown = renderMarkdown(report([run()], { memory }));
    expect(markdown).toContain('| 24 min | 2.40 MB | 0.40 MB | 0.20 MB | 0.50 MB | 0.30 MB | yes |');
    expect(markdown).toContain('| 48 min | 4.80 MB | 2.20 MB | 0.20 MB | 0.50 MB | 0.50 MB | no |');
    expect(markdown).toContain('/ 12; fit **0.15 MB + 0.040 MB per MB of canonical stream**');
    expect(markdown).toContain(
      'per additional game 0.50 MB at 48 min (0.15 MB + 0.040 MB per MB of stream); over idle',
    );
    expect(markdown).toContain('**0.57 MB** (bound 0.45 MB)');
    expect(markdown).toContain('reachable 0.57 MB; bound 0.45 MB');
    expect(markdown).toContain(
      'delay 5 s, sampled 35 s after the first game started; then 200 more, sampled 35 s later. **0.25 MB RSS per ' +
        'additional live game** and **0.16 MB reachable per live game** (bound: 256 KiB + the delay window = 0.27 MB); ' +
        'over idle, the first 200 games took 0.60 MB RSS each, which holds 70 MB that the process took on with load, ' +
        "not per game (V8's young generation, as sized, not all resident: 2 MB at idle, 33 MB loaded). Checks: " +
        'readers 400/400 complete, files ' +
        '200/200 equal.',
    );
    expect(markdown).toContain(
      'RSS per additional game 0.25 MB; reachable 0.16 MB; bound 0.27 MB; RSS over idle 0.60 MB per game ' +
        "(70 MB of it the loaded process's own)",
    );
  });
});
