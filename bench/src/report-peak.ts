import { checkLine, cores, fixed, mb, ms, percent, table } from './report-format.ts';
import type { PeakResult } from './scenario-peak.ts';

export function peakSection(result: PeakResult): string[] {
  const { plan, window, final } = result;
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
    ...table(['figure', 'value'], peakRows(result)),
    '',
    ...[...final.failures, ...final.shortReaders, ...(result.savedFiles?.failures ?? []), ...result.problems]
      .slice(0, 12)
      .map((line) => `- ${line}`),
    '',
  ];
}

function peakRows(result: PeakResult): string[][] {
  const { window, atSteadyState: steady, final } = result;
  return [
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
    ['generator CPU / other processes', `${percent(window.generatorCpuShare)} / ${cores(window.otherCores)}`],
    ['generator event-loop delay p99', ms(steady.generatorLoopDelayMs.p99)],
    ['connections dropped on full listen queues (machine-wide)', String(window.listenOverflows)],
    ['writers: how they ended', JSON.stringify(final.writerEndings)],
    [
      'readers',
      `${checkLine(final.readersComplete, final.readers, result.savedFiles)}; ${final.readersEmpty} got nothing`,
    ],
    ['server warnings and errors', String(result.problemCount)],
  ];
}
