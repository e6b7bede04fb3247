import { setTimeout as delay } from 'node:timers/promises';
import { megabytes, wholeGames } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { LoadGenerator } from './load-generator.ts';
import { checkSavedFiles } from './saved-files.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import { TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { TargetSample } from './target-sampler.ts';

export interface MemoryPlan {
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Fractions of the whole game at which the games are held and measured (below 1: still live). */
  readonly checkpoints: readonly number[];
  /** Settling time at each checkpoint once the server has received everything sent. */
  readonly settleS: number;
}

export interface MemoryCheckpoint {
  readonly fraction: number;
  /** Length of each game's canonical stream so far. */
  readonly streamMb: number;
  readonly gameMinutes: number;
  readonly rssPerGameMb: number;
  readonly heapPerGameMb: number;
  readonly externalPerGameMb: number;
}

export interface MemoryResult {
  readonly plan: MemoryPlan;
  readonly idleRssMb: number;
  readonly checkpoints: readonly MemoryCheckpoint[];
  /** Least-squares fit of RSS per game against stream length: what a game costs, and per MB. */
  readonly fixedMbPerGame: number;
  readonly rssMbPerStreamMb: number;
  readonly final: GeneratorSummary;
  readonly savedFiles: SavedFilesCheck | undefined;
  readonly problems: readonly string[];
}

const RECEIVE_TIMEOUT_MS = 120_000;

/**
 * Scenario 4: memory. G live games × W writers × R readers of the whole 48-minute game, sent as
 * fast as the server takes it up to each checkpoint (a fraction of the game), then held while the
 * server's RSS, heap and external memory are read. Per game = (RSS − idle RSS) / G. At the end the
 * games finish and every reader and saved file is checked.
 */
export async function runMemory(context: BenchContext, plan: MemoryPlan): Promise<MemoryResult> {
  const target = await TargetProcess.startServer({ delayS: 1, graceS: 2 });
  try {
    return await measure(context, target, plan);
  } finally {
    await target.stop();
    context.release(target);
  }
}

async function measure(
  context: BenchContext,
  target: TargetProcess,
  plan: MemoryPlan,
): Promise<MemoryResult> {
  const sampler = new TargetSampler(target, 1000);
  const specs = wholeGames(context.source, plan.games);
  const stream = specs[0]?.stream;
  if (stream === undefined) throw new Error('the memory scenario needs at least one game');
  const generator = new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: Number.POSITIVE_INFINITY,
    readerDelayMs: 500,
    serverDelayMs: 0,
  });
  const idle = await sampler.sample();
  const checkpoints: MemoryCheckpoint[] = [];
  generator.limitTicks(0);
  generator.addGames(specs, 1000);
  for (const fraction of plan.checkpoints) {
    generator.limitTicks(fraction);
    const ticks = Math.ceil(fraction * stream.tickEnds.length);
    const perWriterBytes = ticks === 0 ? stream.headerBytes : (stream.tickEnds[ticks - 1] ?? 0);
    const sample = await received(sampler, plan.games * plan.writersPerGame * perWriterBytes, plan.settleS);
    checkpoints.push(checkpoint(fraction, ticks, perWriterBytes, idle, sample, plan.games));
    context.log(
      `memory: at ${(fraction * 100).toFixed(0)}% ${checkpoints.at(-1)?.rssPerGameMb.toFixed(1)} MB RSS per game`,
    );
  }
  generator.limitTicks(1);
  if (!(await generator.idle(RECEIVE_TIMEOUT_MS))) context.log('memory: games did not end; cutting them');
  generator.abort();
  const final = generator.summary();
  const savedFiles =
    target.vaultPath === undefined ? undefined : await checkSavedFiles(target.vaultPath, specs);
  return {
    plan,
    idleRssMb: megabytes(idle.rssBytes),
    checkpoints,
    ...fitLine(checkpoints),
    final,
    savedFiles,
    problems: target.problems.map((problem) => problem.line),
  };
}

/** Waits until the server has received `bytes` from writers, then `settleS` more, and samples. */
async function received(sampler: TargetSampler, bytes: number, settleS: number): Promise<TargetSample> {
  const deadline = performance.now() + RECEIVE_TIMEOUT_MS;
  while ((await sampler.sample()).receivedBytes < bytes && performance.now() < deadline) await delay(250);
  await delay(settleS * 1000);
  return sampler.sample();
}

function checkpoint(
  fraction: number,
  ticks: number,
  streamBytes: number,
  idle: TargetSample,
  sample: TargetSample,
  games: number,
): MemoryCheckpoint {
  return {
    fraction,
    streamMb: megabytes(streamBytes),
    gameMinutes: ticks / 600,
    rssPerGameMb: megabytes(sample.rssBytes - idle.rssBytes) / games,
    heapPerGameMb: megabytes(sample.heapUsedBytes - idle.heapUsedBytes) / games,
    externalPerGameMb: megabytes(sample.externalBytes - idle.externalBytes) / games,
  };
}

function fitLine(points: readonly MemoryCheckpoint[]): { fixedMbPerGame: number; rssMbPerStreamMb: number } {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.streamMb, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.rssPerGameMb, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.streamMb - meanX) * (p.rssPerGameMb - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.streamMb - meanX) ** 2, 0);
  const slope = variance === 0 ? Number.NaN : covariance / variance;
  return { fixedMbPerGame: meanY - slope * meanX, rssMbPerStreamMb: slope };
}
