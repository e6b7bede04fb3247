import type { ProfileResult } from './bench-report.ts';
import { cores, fixed, mb, ms, percent, table } from './report-format.ts';
import type { ConnectionsResult } from './scenario-connections.ts';
import type { MemoryResult } from './scenario-memory.ts';
import type { RealRateMemory } from './scenario-memory-real.ts';

export function connectionsSection(result: ConnectionsResult): string[] {
  const { plan } = result;
  return [
    '## Scenario 2: connections held',
    '',
    `Games of ${plan.writersPerGame} writers and ${plan.readersPerGame} readers at the real data rate, held in steps of ` +
      `${plan.gameSteps.join(', ')} games (each step's new games started over ${plan.stepRampS} s, then measured for ` +
      `${plan.stepHoldS} s), until a step's event-loop delay p99 (median of its 2 s scrapes) reaches ` +
      `${plan.loopP99LimitMs} ms, or the open-file limit (${result.fileLimit}) is reached. Stopped by: ` +
      `**${result.stoppedBy}**.`,
    '',
    ...table(STEP_COLUMNS, result.steps.map(stepRow)),
    '',
    ...(result.advice === '' ? [] : [result.advice, '']),
  ];
}

const STEP_COLUMNS = [
  'games',
  'connections',
  'CPU',
  'RSS',
  'loop p99 (median / worst)',
  'MB/s in',
  'reader lag p99',
  'generator CPU / loop p99',
  'others',
  'failed writers',
  'corrupt readers',
];

function stepRow(step: ConnectionsResult['steps'][number]): string[] {
  return [
    String(step.games),
    String(step.connections),
    percent(step.window.cpuShare),
    mb(step.window.rssBytes),
    `${ms(step.window.loopP99MedianMs)} / ${ms(step.window.loopP99MaxMs)}`,
    fixed(step.receivedMbPerS, 2),
    ms(step.readerLagP99Ms),
    `${percent(step.window.generatorCpuShare)} / ${ms(step.generatorLoopP99Ms)}`,
    cores(step.window.otherCores),
    String(step.writersFailed),
    String(step.readersCorrupt),
  ];
}

export function memorySection(result: MemoryResult): string[] {
  const { plan } = result;
  const window = result.checkpoints[0]?.windowMb ?? Number.NaN;
  return [
    '## Scenario 4: memory',
    '',
    `${plan.games} live games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers of the whole 48-minute ` +
      `game, streamed at its own pace sped up ${plan.speedUp}× (server delay ${plan.delayS} s, so each game holds ` +
      `${fixed(window * 1000, 0)} KB inside its delay window); sampled at each checkpoint. Per game = (RSS − idle RSS ` +
      `${fixed(result.idleRssMb, 0)} MB) / ${plan.games}: fit ${fixed(result.fixedMbPerGame, 2)} MB + ` +
      `${fixed(result.rssMbPerStreamMb, 3)} MB per MB of canonical stream. A second run of ${plan.comparisonGames} ` +
      `games on a server of its own, sampled at the same points, takes out what a loaded process holds whatever its ` +
      `games: per additional game = (RSS over idle of this run − that of the second) / ${plan.games - plan.comparisonGames}` +
      `; fit **${fixed(result.marginalFixedMbPerGame, 2)} MB + ${fixed(result.marginalMbPerStreamMb, 3)} MB per MB ` +
      `of canonical stream** (flat is the goal: a live game keeps its bookkeeping, hot windows and undecided bytes, ` +
      `not its stream). Bound: 256 KiB + the delay window = ` +
      `${fixed(result.checkpoints[0]?.targetMb ?? Number.NaN, 2)} MB per game.`,
    '',
    ...checkpointTable(result),
    '',
    `Reachable per live game at the last checkpoint (heap snapshots, which collect all garbage first: ` +
      `the live games' minus the one once they ended): **${fixed(result.reachablePerGameMb, 2)} MB** ` +
      `(bound ${fixed(result.checkpoints.at(-1)?.targetMb ?? Number.NaN, 2)} MB). RSS also holds garbage ` +
      `not yet collected and pages the allocator keeps.`,
    '',
    `Checks: readers ${result.final.readersComplete}/${result.final.readers} complete, files ` +
      `${result.savedFiles?.ok ?? 0}/${result.savedFiles?.checked ?? 0} equal; second run: readers ` +
      `${result.comparison.final.readersComplete}/${result.comparison.final.readers} complete, files ` +
      `${result.comparison.savedFiles?.ok ?? 0}/${result.comparison.savedFiles?.checked ?? 0} equal.`,
    '',
    ...realRateLines(result.realRate),
  ];
}

function checkpointTable(result: MemoryResult): string[] {
  return table(
    [
      'game time',
      'stream',
      'RSS per game',
      'JS heap per game',
      'external per game',
      'RSS per additional game',
      'within the bound',
    ],
    result.checkpoints.map((point) => [
      `${fixed(point.gameMinutes, 0)} min`,
      `${fixed(point.streamMb, 2)} MB`,
      `${fixed(point.rssPerGameMb, 2)} MB`,
      `${fixed(point.heapPerGameMb, 2)} MB`,
      `${fixed(point.externalPerGameMb, 2)} MB`,
      `${fixed(point.marginalRssPerGameMb, 2)} MB`,
      point.marginalRssPerGameMb <= point.targetMb ? 'yes' : 'no',
    ]),
  );
}

function realRateLines(real: RealRateMemory): string[] {
  const { plan } = real;
  const settleS = plan.rampUpS + plan.delayS + plan.holdS;
  return [
    `At the real data rate: ${plan.games} games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers, ` +
      `delay ${plan.delayS} s, sampled ${settleS} s after the first game started; then ${plan.games} more, sampled ` +
      `${settleS} s later. **${fixed(real.marginalRssPerGameMb, 2)} MB RSS per additional live game** and ` +
      `**${fixed(real.reachablePerGameMb, 2)} MB reachable per live game** (bound: 256 KiB + the delay window = ` +
      `${fixed(real.boundMb, 2)} MB); over idle, the first ${plan.games} games took ${fixed(real.rssPerGameMb, 2)} MB ` +
      `RSS each, which holds ${fixed(real.fixedRssMb, 0)} MB that the process took on with load, not per game ` +
      `(V8's young generation, as sized, not all resident: ${fixed(real.youngGenerationIdleMb, 0)} MB at idle, ` +
      `${fixed(real.youngGenerationLoadedMb, 0)} MB loaded). Checks: readers ` +
      `${real.readersComplete}/${real.readers} complete, files ${real.filesOk}/${real.files} equal.`,
    '',
  ];
}

export function profileSection(profile: ProfileResult): string[] {
  const run = profile.throughputRun;
  return [
    `## CPU profile of the server under the ${profile.scenario} scenario`,
    '',
    `\`node --cpu-prof\`, main thread only (zstd compression runs on the thread pool and does not appear). ` +
      `${fixed(profile.busyMs / 1000, 1)} s busy; shares are of the busy time. Profile: \`${profile.file}\` (not committed).`,
    '',
    ...table(
      ['self', 'function', 'where', 'mostly called from'],
      profile.top.map((entry) => [
        `${percent(entry.selfShare)} (${ms(entry.selfMs)})`,
        entry.function,
        entry.location,
        entry.topCaller,
      ]),
    ),
    '',
    ...(run === undefined
      ? []
      : [
          `Profiled run: ${fixed(run.mbPerCpuS, 1)} MB per CPU-second (profiling slows it; not in the medians). ` +
            `Peak RSS ${mb(run.peakRssMb * 1e6)}.`,
          '',
        ]),
  ];
}
