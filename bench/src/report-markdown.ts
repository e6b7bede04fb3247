import type { BenchReport } from './bench-report.ts';
import { describeMachine } from './machine-info.ts';
import { peakSection } from './report-peak.ts';
import { connectionsSection, memorySection, profileSection } from './report-sections.ts';
import { throughputSection } from './report-throughput.ts';
import { fixed, mb, ms, percent, table } from './report-format.ts';

/** The Markdown report of one run: headline figures first, then each scenario, then caveats. */
export function renderMarkdown(report: BenchReport): string {
  return [
    `# faf-replay-server benchmark: ${report.mode} run, ${report.startedAt}`,
    '',
    `Machine: ${describeMachine(report.machine)}. Load average before the run: ${fixed(report.machine.loadAverageBefore)}.`,
    `Commit ${report.commit}. Fixture ${report.fixture.file} (${report.fixture.streamBytes} bytes, ${report.fixture.ticks} ticks = 48 min). ` +
      `Took ${Math.round(report.durationS)} s. Rerun: \`${report.command}\`.`,
    '',
    ...(report.failures.length === 0
      ? []
      : [
          '## Scenarios that failed',
          '',
          ...report.failures.map((failure) => `- ${failure.replaceAll('\n', ' ')}`),
          '',
        ]),
    ...headline(report),
    ...(report.throughput === undefined ? [] : throughputSection(report.throughput)),
    ...(report.peak === undefined ? [] : peakSection(report.peak)),
    ...(report.connections === undefined ? [] : connectionsSection(report.connections)),
    ...(report.memory === undefined ? [] : memorySection(report.memory)),
    ...report.profiles.flatMap(profileSection),
    ...caveats(),
  ].join('\n');
}

function headline(report: BenchReport): string[] {
  const rows: string[][] = [];
  const { throughput, peak, connections, memory } = report;
  if (throughput !== undefined) {
    rows.push([
      'CPU per MB ingested, ratio to the baseline relay',
      `**${fixed(throughput.cpuRatioToRelay, 1)}×** (${fixed(throughput.dataPathRatioToRelay, 1)}× without the ` +
        `zstd level 10 compression of the saved replays)`,
    ]);
    rows.push(['Disk written per byte ingested', fixed(throughput.diskBytesPerByteIngested, 2)]);
    rows.push([
      'Throughput (MB ingested per CPU-second)',
      `${fixed(throughput.serverMbPerCpuS, 1)} (relay ${fixed(throughput.relayMbPerCpuS, 1)})`,
    ]);
  }
  if (peak !== undefined) {
    const { window } = peak;
    rows.push([
      `FAF peak held (${peak.plan.games} games × ${peak.plan.writersPerGame} writers × ${peak.plan.readersPerGame} readers)`,
      `CPU ${percent(window.cpuShare)} of a core, RSS ${mb(window.rssBytes)}, event-loop p99 ${ms(window.loopP99MedianMs)} ` +
        `(worst ${ms(window.loopP99MaxMs)}), reader lag p99 ${ms(peak.atSteadyState.readerLagMs.p99)}`,
    ]);
  }
  if (connections !== undefined) {
    rows.push([
      `Games held (${connections.plan.writersPerGame} writers + ${connections.plan.readersPerGame} readers) with event-loop p99 < ${connections.plan.loopP99LimitMs} ms`,
      `${connections.maxGamesUnderLimit} games (stopped by: ${connections.stoppedBy})`,
    ]);
  }
  if (memory !== undefined) {
    const last = memory.checkpoints.at(-1);
    rows.push([
      `RSS per live game (${memory.plan.speedUp}× the real pace, delay ${memory.plan.delayS} s)`,
      `${fixed(last?.rssPerGameMb ?? Number.NaN, 2)} MB at ${fixed(last?.gameMinutes ?? Number.NaN, 0)} min ` +
        `(${fixed(memory.fixedMbPerGame, 2)} MB + ${fixed(memory.rssMbPerStreamMb, 3)} MB per MB of stream; ` +
        `bound ${fixed(last?.targetMb ?? Number.NaN, 2)} MB)`,
    ]);
  }
  return ['## Headline', '', ...table(['figure', 'value'], rows), ''];
}

function caveats(): string[] {
  return [
    '## Caveats',
    '',
    '- The generator runs on the same machine and competes with the server for CPU; its share and that of other ' +
      'processes are reported with each scenario. Figures taken while other processes were busy understate the server.',
    "- Event-loop delay comes from the server's own `/metrics` (prom-client, 10 ms resolution, reset at each scrape).",
    "- Reader lag is measured from when a byte was due from the writers plus the server's delay; it includes the " +
      "server's 1 s update interval and any lag of the generator.",
    '',
  ];
}
