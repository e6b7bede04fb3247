import type { BenchReport } from './bench-report.ts';
import { endedHeadline, recoveryHeadline } from './report-durability.ts';
import { fixed, mb, ms, percent, table } from './report-format.ts';

type Row = readonly string[];

/** The headline table: one or a few rows per scenario that ran, in the report's order. */
export function headline(report: BenchReport): string[] {
  const rows = [throughputRows, peakRows, connectionsRows, memoryRows, durabilityRows, httpRows].flatMap(
    (rowsOf) => rowsOf(report),
  );
  return ['## Headline', '', ...table(['figure', 'value'], rows), ''];
}

function throughputRows({ throughput }: BenchReport): Row[] {
  if (throughput === undefined) return [];
  return [
    [
      'CPU per MB ingested, ratio to the baseline relay',
      `**${fixed(throughput.cpuRatioToRelay, 1)}×** (${fixed(throughput.dataPathRatioToRelay, 1)}× without the ` +
        `zstd level 10 compression of the saved replays)`,
    ],
    ['Disk written per byte ingested', fixed(throughput.diskBytesPerByteIngested, 2)],
    [
      'Throughput (MB ingested per CPU-second)',
      `${fixed(throughput.serverMbPerCpuS, 1)} (relay ${fixed(throughput.relayMbPerCpuS, 1)})`,
    ],
  ];
}

function peakRows({ peak }: BenchReport): Row[] {
  if (peak === undefined) return [];
  const { window, plan } = peak;
  return [
    [
      `FAF peak held (${plan.games} games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers)`,
      `CPU ${percent(window.cpuShare)} of a core, RSS ${mb(window.rssBytes)}, event-loop p99 ${ms(window.loopP99MedianMs)} ` +
        `(worst ${ms(window.loopP99MaxMs)}), reader lag beyond the delay p99 ${ms(peak.atSteadyState.readerLagMs.p99)}`,
    ],
  ];
}

function connectionsRows({ connections }: BenchReport): Row[] {
  if (connections === undefined) return [];
  const { plan } = connections;
  return [
    [
      `Games held (${plan.writersPerGame} writers + ${plan.readersPerGame} readers) with event-loop p99 < ${plan.loopP99LimitMs} ms`,
      `${connections.maxGamesUnderLimit} games (stopped by: ${connections.stoppedBy})`,
    ],
  ];
}

function memoryRows({ memory }: BenchReport): Row[] {
  if (memory === undefined) return [];
  const last = memory.checkpoints.at(-1);
  return [
    [
      `RSS per live game (${memory.plan.speedUp}× the real pace, delay ${memory.plan.delayS} s)`,
      `per additional game ${fixed(last?.marginalRssPerGameMb ?? Number.NaN, 2)} MB at ` +
        `${fixed(last?.gameMinutes ?? Number.NaN, 0)} min (${fixed(memory.marginalFixedMbPerGame, 2)} MB + ` +
        `${fixed(memory.marginalMbPerStreamMb, 3)} MB per MB of stream); over idle ` +
        `${fixed(last?.rssPerGameMb ?? Number.NaN, 2)} MB per game; reachable ` +
        `${fixed(memory.reachablePerGameMb, 2)} MB; bound ${fixed(last?.targetMb ?? Number.NaN, 2)} MB`,
    ],
    [
      `Live game at the real rate (${memory.realRate.plan.games} games, delay ${memory.realRate.plan.delayS} s)`,
      `RSS per additional game ${fixed(memory.realRate.marginalRssPerGameMb, 2)} MB; reachable ` +
        `${fixed(memory.realRate.reachablePerGameMb, 2)} MB; bound ${fixed(memory.realRate.boundMb, 2)} MB; ` +
        `RSS over idle ${fixed(memory.realRate.rssPerGameMb, 2)} MB per game ` +
        `(${fixed(memory.realRate.fixedRssMb, 0)} MB of it the loaded process's own)`,
    ],
  ];
}

function durabilityRows({ recovery, ended }: BenchReport): Row[] {
  return [
    ...(recovery === undefined ? [] : [recoveryHeadline(recovery)]),
    ...(ended === undefined ? [] : [endedHeadline(ended)]),
  ];
}

function httpRows({ http }: BenchReport): Row[] {
  if (http === undefined) return [];
  const { figures } = http;
  return [
    [
      'HTTP fan-out: stream viewers of one game held, CPU per viewer-MB',
      `${figures.heldAtOnce} viewers (${figures.complete} complete), ${fixed(figures.cpuMsPerViewerMb, 2)} ms; ` +
        `${fixed(figures.segmentRequestsPerS, 0)} segment requests/s`,
    ],
  ];
}
