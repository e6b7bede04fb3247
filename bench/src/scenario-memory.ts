import { setTimeout as delay } from 'node:timers/promises';
import { megabytes, wholeGames } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { LoadGenerator } from './load-generator.ts';
import { TICK_MS } from './replay-source.ts';
import type { GameStream } from './replay-source.ts';
import { finishGames } from './finish-games.ts';
import type { FinishedGames } from './finish-games.ts';
import { runRealRateMemory } from './scenario-memory-real.ts';
import type { RealRateMemory, RealRatePlan } from './scenario-memory-real.ts';
import { reachableHeapBytes } from './heap-snapshot.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import { heapSnapshotDir, TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { TargetSample } from './target-sampler.ts';

export interface MemoryPlan {
  readonly games: number;
  /**
   * Games of a second, smaller run on its own server with the same checkpoints: the difference
   * between the two runs' RSS, per game of difference, is what one more live game costs, without
   * what a loaded process holds whatever its games (V8's young generation grows under any load).
   */
  readonly comparisonGames: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Game time per wall time: the 48-minute game is streamed paced, this much faster than real. */
  readonly speedUp: number;
  /** The server's replay delay. */
  readonly delayS: number;
  /** Fractions of the whole game at which the server is sampled (below 1: still live). */
  readonly checkpoints: readonly number[];
  /** The second part: games at the real data rate. */
  readonly realRate: RealRatePlan;
}

export interface MemoryCheckpoint {
  readonly fraction: number;
  /** Length of each game's canonical stream so far. */
  readonly streamMb: number;
  readonly gameMinutes: number;
  readonly rssPerGameMb: number;
  readonly heapPerGameMb: number;
  readonly externalPerGameMb: number;
  /** RSS over idle of this run minus that of the comparison run, per game of difference. */
  readonly marginalRssPerGameMb: number;
  /** The stream bytes inside the delay window at this pace: what a game may hold undecided. */
  readonly windowMb: number;
  /** The bound: 256 KiB + the bytes inside the delay window. */
  readonly targetMb: number;
}

export interface MemoryResult {
  readonly plan: MemoryPlan;
  readonly idleRssMb: number;
  readonly checkpoints: readonly MemoryCheckpoint[];
  /** Least-squares fit of RSS per game against stream length: what a game costs, and per MB. */
  readonly fixedMbPerGame: number;
  readonly rssMbPerStreamMb: number;
  /** The same fit of the RSS per additional game: flat over the game's length is the goal. */
  readonly marginalFixedMbPerGame: number;
  readonly marginalMbPerStreamMb: number;
  /**
   * Bytes reachable in the server's heap per live game at the last checkpoint (heap snapshots,
   * which collect all garbage first: the live games' snapshot minus the one once they ended).
   */
  readonly reachablePerGameMb: number;
  readonly final: GeneratorSummary;
  /** The second part, at the real data rate. */
  readonly realRate: RealRateMemory;
  readonly savedFiles: SavedFilesCheck | undefined;
  /** The comparison run's readers and saved files, checked as the main run's. */
  readonly comparison: FinishedGames;
  readonly problems: readonly string[];
}

const RECEIVE_TIMEOUT_MS = 120_000;

/**
 * Scenario 4: memory. G live games × W writers × R readers of the whole 48-minute game, streamed
 * at the game's own pace sped up `speedUp` times (so a game's bytes inside the delay window are
 * `speedUp` times the real ones), with no burst that would leave the allocator holding garbage.
 * At each checkpoint (a fraction of the game) the server's RSS, heap and external memory are read.
 * Per game = (sample − idle) / G; flat over the game's length is the goal. At the end the games
 * finish and every reader and saved file is checked.
 */
export async function runMemory(context: BenchContext, plan: MemoryPlan): Promise<MemoryResult> {
  const main = await pacedRun(context, plan, plan.games);
  const comparison = await pacedRun(context, plan, plan.comparisonGames);
  const checkpoints = main.checkpoints.map((point, i) => {
    const other = comparison.checkpoints[i];
    const extraMb =
      other === undefined
        ? Number.NaN
        : point.rssPerGameMb * plan.games - other.rssPerGameMb * plan.comparisonGames;
    return { ...point, marginalRssPerGameMb: extraMb / (plan.games - plan.comparisonGames) };
  });
  const marginal = fitLine(
    checkpoints.map((point) => ({ x: point.streamMb, y: point.marginalRssPerGameMb })),
  );
  const paced = {
    ...main,
    checkpoints,
    marginalFixedMbPerGame: marginal.intercept,
    marginalMbPerStreamMb: marginal.slope,
    comparison: { final: comparison.final, savedFiles: comparison.savedFiles },
    problems: [...main.problems, ...comparison.problems],
  };
  const realRate = await runRealRateMemory(context, plan.realRate);
  context.log(
    `memory at the real rate: ${realRate.reachablePerGameMb.toFixed(2)} MB reachable per live game`,
  );
  return { ...paced, realRate };
}

type PacedRun = Omit<
  MemoryResult,
  'realRate' | 'checkpoints' | 'marginalFixedMbPerGame' | 'marginalMbPerStreamMb' | 'comparison'
> & { readonly checkpoints: readonly Omit<MemoryCheckpoint, 'marginalRssPerGameMb'>[] };

/** One paced run of `games` games on a server of its own. */
async function pacedRun(context: BenchContext, plan: MemoryPlan, games: number): Promise<PacedRun> {
  const target = await TargetProcess.startServer({ delayS: plan.delayS, graceS: 2, heapSnapshots: true });
  try {
    return await measure(context, target, { ...plan, games });
  } finally {
    await target.stop();
    context.release(target);
  }
}

async function measure(context: BenchContext, target: TargetProcess, plan: MemoryPlan): Promise<PacedRun> {
  const sampler = new TargetSampler(target, 1000);
  const specs = wholeGames(context.source, plan.games);
  const stream = specs[0]?.stream;
  if (stream === undefined) throw new Error('the memory scenario needs at least one game');
  const generator = new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: plan.speedUp,
    readerDelayMs: 500,
    serverDelayMs: plan.delayS * 1000,
  });
  const idle = await sampler.sample();
  generator.addGames(specs, 1000);
  const checkpoints = await sampleCheckpoints(context, sampler, plan, { stream, idle });
  // After the last RSS sample: a snapshot's own allocations would show in the RSS that follows.
  const liveHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
  const { final, savedFiles } = await finishGames(target, generator, specs, {
    timeoutMs: RECEIVE_TIMEOUT_MS,
    onCut: () => context.log('memory: games did not end; cutting them'),
  });
  const endedHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
  const reachablePerGameMb = megabytes(liveHeapBytes - endedHeapBytes) / plan.games;
  context.log(`memory (${plan.games} games): ${reachablePerGameMb.toFixed(2)} MB reachable per live game`);
  const fit = fitLine(checkpoints.map((point) => ({ x: point.streamMb, y: point.rssPerGameMb })));
  return {
    plan,
    idleRssMb: megabytes(idle.rssBytes),
    checkpoints,
    fixedMbPerGame: fit.intercept,
    rssMbPerStreamMb: fit.slope,
    reachablePerGameMb,
    final,
    savedFiles,
    problems: target.problems.map((problem) => problem.line),
  };
}

/** Samples the server each time its games reach one of the plan's checkpoints. */
async function sampleCheckpoints(
  context: BenchContext,
  sampler: TargetSampler,
  plan: MemoryPlan,
  start: { readonly stream: GameStream; readonly idle: TargetSample },
): Promise<Omit<MemoryCheckpoint, 'marginalRssPerGameMb'>[]> {
  const { stream, idle } = start;
  const checkpoints: Omit<MemoryCheckpoint, 'marginalRssPerGameMb'>[] = [];
  const pace = { windowMb: windowMegabytes(stream, plan), games: plan.games };
  for (const fraction of plan.checkpoints) {
    const ticks = Math.ceil(fraction * stream.tickEnds.length);
    const perWriterBytes = ticks === 0 ? stream.headerBytes : (stream.tickEnds[ticks - 1] ?? 0);
    const sample = await received(sampler, plan.games * plan.writersPerGame * perWriterBytes);
    checkpoints.push(checkpoint({ fraction, ticks, streamBytes: perWriterBytes }, idle, sample, pace));
    context.log(
      `memory (${plan.games} games): at ${(fraction * 100).toFixed(0)}% ` +
        `${checkpoints.at(-1)?.rssPerGameMb.toFixed(1)} MB RSS per game; pool: ` +
        `${megabytes(sample.poolFreeBytes).toFixed(1)} MB free, blocks taken: ` +
        `${sample.poolNewBlocks} new, ${sample.poolReusedBlocks} reused`,
    );
  }
  return checkpoints;
}

/** Waits until the server has received `bytes` from writers, and samples it then. */
async function received(sampler: TargetSampler, bytes: number): Promise<TargetSample> {
  const deadline = performance.now() + RECEIVE_TIMEOUT_MS;
  let sample = await sampler.sample();
  while (sample.receivedBytes < bytes && performance.now() < deadline) {
    await delay(100);
    sample = await sampler.sample();
  }
  return sample;
}

/** The bytes of one game's stream that arrive within the delay, at the plan's pace. */
function windowMegabytes(stream: GameStream, plan: MemoryPlan): number {
  const wallS = (stream.tickEnds.length * TICK_MS) / 1000 / plan.speedUp;
  return megabytes(stream.bytes.length) * Math.min(1, plan.delayS / wallS);
}

function checkpoint(
  at: { readonly fraction: number; readonly ticks: number; readonly streamBytes: number },
  idle: TargetSample,
  sample: TargetSample,
  pace: { readonly windowMb: number; readonly games: number },
): Omit<MemoryCheckpoint, 'marginalRssPerGameMb'> {
  const { games } = pace;
  return {
    fraction: at.fraction,
    streamMb: megabytes(at.streamBytes),
    gameMinutes: at.ticks / 600,
    rssPerGameMb: megabytes(sample.rssBytes - idle.rssBytes) / games,
    heapPerGameMb: megabytes(sample.heapUsedBytes - idle.heapUsedBytes) / games,
    externalPerGameMb: megabytes(sample.externalBytes - idle.externalBytes) / games,
    windowMb: pace.windowMb,
    targetMb: 0.25 * 1.048576 + pace.windowMb,
  };
}

/** Least-squares line through the points. */
function fitLine(points: readonly { readonly x: number; readonly y: number }[]): {
  intercept: number;
  slope: number;
} {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const slope = variance === 0 ? Number.NaN : covariance / variance;
  return { intercept: meanY - slope * meanX, slope };
}
