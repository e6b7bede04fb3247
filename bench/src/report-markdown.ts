import type { BenchReport } from './bench-report.ts';
import { describeMachine } from './machine-info.ts';
import { endedHeadline, endedSection, recoveryHeadline, recoverySection } from './report-durability.ts';
import { connectionsSection, memorySection, profileSection } from './report-sections.ts';
import { checkLine, cores, fixed, mb, ms, percent, table } from './report-format.ts';
import type { PeakResult } from './scenario-peak.ts';
import type { ThroughputResult } from './scenario-throughput.ts';

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
    ...(report.recovery === undefined ? [] : recoverySection(report.recovery)),
    ...(report.ended === undefined ? [] : endedSection(report.ended)),
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
      `**${fixed(throughput.cpuRatioToRelay, 1)}×**`,
    ]);
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
      'RSS per live game',
      `${fixed(last?.rssPerGameMb ?? Number.NaN, 1)} MB at ${fixed(last?.gameMinutes ?? Number.NaN, 0)} min ` +
        `(${fixed(memory.fixedMbPerGame, 1)} MB + ${fixed(memory.rssMbPerStreamMb, 2)} MB per MB of stream)`,
    ]);
  }
  if (report.recovery !== undefined) rows.push(recoveryHeadline(report.recovery));
  if (report.ended !== undefined) rows.push(endedHeadline(report.ended));
  return ['## Headline', '', ...table(['figure', 'value'], rows), ''];
}

function throughputSection(result: ThroughputResult): string[] {
  const { plan } = result;
  return [
    '## Scenarios 3 and 5: throughput, and the baseline relay',
    '',
    `${plan.games} games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers of the whole game, sent as fast as ` +
      `the sockets take it, into the relay and into the server alternately, ${plan.repetitions} times each. CPU is the ` +
      `process's user+system time from before the first connection to the last saved file (zstd runs on the thread pool ` +
      `and is included). The relay forwards each game's first writer to its readers and does nothing else.`,
    '',
    ...table(
      [
        'run',
        'target',
        'MB in',
        'CPU s',
        'MB per CPU-s',
        'CPU ms per MB',
        'MB/s while sending',
        'peak RSS',
        'generator CPU',
        'checks',
      ],
      result.runs.map((run, i) => [
        String(Math.floor(i / 2) + 1),
        run.target,
        fixed(run.ingestedMb, 0),
        fixed(run.cpuS, 2),
        fixed(run.mbPerCpuS, 1),
        fixed(run.cpuMsPerMb, 2),
        fixed(run.mbPerWallS, 0),
        mb(run.peakRssMb * 1e6),
        percent(run.generatorCpuShare),
        checkLine(run.readersComplete, run.readers, run.savedFiles),
      ]),
    ),
    '',
    `Medians: server ${fixed(result.serverCpuMsPerMb, 2)} CPU ms per MB, relay ${fixed(result.relayCpuMsPerMb, 2)}: ` +
      `**ratio ${fixed(result.cpuRatioToRelay, 2)}**.`,
    '',
    ...runProblems(result),
  ];
}

/** Readers that got too little or wrong bytes, and files that differ, in any run: a list, or nothing. */
function runProblems(result: ThroughputResult): string[] {
  const lines = result.runs.flatMap((run, i) =>
    [...run.readerFailures, ...run.shortReaders, ...(run.savedFiles?.failures ?? [])].map(
      (line) => `- ${run.target} run ${Math.floor(i / 2) + 1}: ${line}`,
    ),
  );
  return lines.length === 0 ? [] : [...lines.slice(0, 12), ''];
}

function peakSection(result: PeakResult): string[] {
  const { plan, window, atSteadyState: steady, final } = result;
  return [
    "## Scenario 1: FAF's peak, held",
    '',
    ...(result.profiled
      ? ['**The server ran under `node --cpu-prof` here: these figures are slowed by the profiler.**', '']
      : []),
    `${plan.games} games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers at the real data rate (each game ` +
      `streams ${result.streamTicksPerGame} ticks of the 48-minute game; windows spread over the whole game), started over ` +
      `${plan.rampUpS} s; server delay ${plan.delayS} s. Measured for ${fixed(window.wallMs / 1000, 0)} s once the ` +
      `ramp-up and the delay had passed.`,
    '',
    ...table(
      ['figure', 'value'],
      [
        ['server CPU', `${percent(window.cpuShare)} of one core`],
        ['server RSS', `${mb(window.rssBytes)} (${fixed(result.rssPerGameMb, 2)} MB per game above idle)`],
        ['server peak RSS (VmHWM), reached as the games end and save', mb(result.peakRssBytes)],
        [
          'event-loop delay p99 (median / worst of 2 s scrapes)',
          `${ms(window.loopP99MedianMs)} / ${ms(window.loopP99MaxMs)}`,
        ],
        ['event-loop delay max', ms(window.loopMaxMs)],
        ['ingest / egress', `${fixed(result.receivedMbPerS, 2)} / ${fixed(result.sentMbPerS, 2)} MB/s`],
        [
          'reader lag beyond the delay p50 / p99 / max',
          `${ms(steady.readerLagMs.p50)} / ${ms(steady.readerLagMs.p99)} / ${ms(steady.readerLagMs.max)}`,
        ],
        [
          'generator CPU / other processes',
          `${percent(window.generatorCpuShare)} / ${cores(window.otherCores)}`,
        ],
        ['generator event-loop delay p99', ms(steady.generatorLoopDelayMs.p99)],
        ['connections dropped on full listen queues (machine-wide)', String(window.listenOverflows)],
        ['writers: how they ended', JSON.stringify(final.writerEndings)],
        [
          'readers',
          `${checkLine(final.readersComplete, final.readers, result.savedFiles)}; ${final.readersEmpty} got nothing`,
        ],
        ['server warnings and errors', String(result.problemCount)],
      ],
    ),
    '',
    ...[...final.failures, ...final.shortReaders, ...(result.savedFiles?.failures ?? []), ...result.problems]
      .slice(0, 12)
      .map((line) => `- ${line}`),
    '',
  ];
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
