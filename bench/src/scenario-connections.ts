import { setTimeout as delay } from 'node:timers/promises';
import { FIRST_GAME_ID, megabytes, spreadWindows } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { fileBudget, gamesWithinLimit } from './file-budget.ts';
import { realRateGenerator } from './load-generator.ts';
import type { LoadGenerator } from './load-generator.ts';
import type { GameSpec } from './load-generator.ts';
import { TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { WindowStats } from './target-sampler.ts';

export interface ConnectionsPlan {
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Games held at each step, rising; steps past the open-file limit are not run. */
  readonly gameSteps: readonly number[];
  readonly stepRampS: number;
  readonly stepHoldS: number;
  readonly loopP99LimitMs: number;
  readonly delayS: number;
}

export interface ConnectionsStep {
  readonly games: number;
  readonly connections: number;
  readonly window: WindowStats;
  readonly receivedMbPerS: number;
  /** Readers whose bytes so far are not a prefix of the stream (must be 0). */
  readonly readersCorrupt: number;
  readonly readersEmpty: number;
  readonly writersFailed: number;
  readonly readerLagP99Ms: number;
  /** The generator's own event-loop delay p99: when high, the generator is the limit, not the server. */
  readonly generatorLoopP99Ms: number;
}

export type ConnectionsLimit = 'event-loop' | 'descriptors' | 'plan';

export interface ConnectionsResult {
  readonly plan: ConnectionsPlan;
  readonly fileLimit: number;
  readonly steps: readonly ConnectionsStep[];
  /** The most games held with the step's event-loop delay p99 (median of its scrapes) under the limit. */
  readonly maxGamesUnderLimit: number;
  readonly stoppedBy: ConnectionsLimit;
  readonly advice: string;
  readonly problems: readonly string[];
}

/**
 * Scenario 2: connections held. Adds games of W writers and R readers at the real data rate step
 * by step (each step ramps its games up, then holds), until a step's event-loop delay p99 reaches
 * the limit, the next step would pass the open-file limit, or the steps run out. Games stream long
 * windows of the 48-minute game and never end: at the end every connection is cut and the server
 * is killed (a graceful stop would save every cut game at once). Readers are checked for bytes
 * that differ from the stream; a prefix is expected.
 */
export async function runConnections(
  context: BenchContext,
  plan: ConnectionsPlan,
): Promise<ConnectionsResult> {
  const perGame = plan.writersPerGame + plan.readersPerGame;
  const fileCap = gamesWithinLimit(context.fileLimit, perGame);
  const budget = fileBudget(context.fileLimit, Math.max(...plan.gameSteps) * perGame);
  if (!budget.fits) context.log(budget.advice);
  const target = await TargetProcess.startServer({ delayS: plan.delayS, graceS: 5 });
  const sampler = new TargetSampler(target, 2000);
  const generator = realRateGenerator(target.tcpPort, plan, 3000);
  let run: { steps: ConnectionsStep[]; stoppedBy: ConnectionsLimit };
  try {
    sampler.start();
    run = await runSteps(context, { generator, sampler, plan, fileCap });
  } finally {
    await sampler.stop();
    generator.abort();
    await target.kill();
    context.release(target);
  }
  const underLimit = run.steps.filter((step) => step.window.loopP99MedianMs < plan.loopP99LimitMs);
  return {
    plan,
    fileLimit: context.fileLimit,
    steps: run.steps,
    maxGamesUnderLimit: Math.max(0, ...underLimit.map((step) => step.games)),
    stoppedBy: run.stoppedBy,
    advice:
      run.stoppedBy === 'descriptors' ? fileBudget(context.fileLimit, (fileCap + 1) * perGame).advice : '',
    problems: target.problems.map((problem) => problem.line),
  };
}

/** Holds each step in turn, until one passes the event-loop limit or the next passes the file cap. */
async function runSteps(
  context: BenchContext,
  load: { generator: LoadGenerator; sampler: TargetSampler; plan: ConnectionsPlan; fileCap: number },
): Promise<{ steps: ConnectionsStep[]; stoppedBy: ConnectionsLimit }> {
  const { plan, fileCap } = load;
  const fitting = plan.gameSteps.filter((games) => games <= fileCap);
  const windowTicks = Math.ceil(fitting.length * (plan.stepRampS + plan.stepHoldS + 5) * 10) + 600;
  const specs = spreadWindows(context.source, Math.max(0, ...fitting), windowTicks, FIRST_GAME_ID, 16);
  const steps: ConnectionsStep[] = [];
  let held = 0;
  for (const games of plan.gameSteps) {
    if (games > fileCap) return { steps, stoppedBy: 'descriptors' };
    const step = await holdStep(context, { ...load, specs: specs.slice(held, games), games });
    held = games;
    steps.push(step);
    if (step.window.loopP99MedianMs >= plan.loopP99LimitMs) return { steps, stoppedBy: 'event-loop' };
  }
  return { steps, stoppedBy: 'plan' };
}

async function holdStep(
  context: BenchContext,
  step: {
    readonly generator: LoadGenerator;
    readonly sampler: TargetSampler;
    readonly plan: ConnectionsPlan;
    readonly games: number;
    readonly specs: readonly GameSpec[];
  },
): Promise<ConnectionsStep> {
  const { generator, sampler, plan, games } = step;
  generator.addGames(step.specs, plan.stepRampS * 1000);
  await delay(plan.stepRampS * 1000);
  generator.resetMeasurements();
  const from = await sampler.sample();
  await delay(plan.stepHoldS * 1000);
  const to = await sampler.sample();
  const window = sampler.window(from, to);
  const summary = generator.summary();
  context.log(
    `connections: ${games} games (${games * (plan.writersPerGame + plan.readersPerGame)} connections): ` +
      `event-loop p99 ${window.loopP99MedianMs.toFixed(0)} ms, CPU ${(window.cpuShare * 100).toFixed(0)}%`,
  );
  return {
    games,
    connections: games * (plan.writersPerGame + plan.readersPerGame),
    window,
    receivedMbPerS: megabytes(to.receivedBytes - from.receivedBytes) / (window.wallMs / 1000),
    readersCorrupt: summary.readersCorrupt,
    readersEmpty: summary.readersEmpty,
    writersFailed:
      summary.writers - (summary.writerEndings['open'] ?? 0) - (summary.writerEndings['end'] ?? 0),
    readerLagP99Ms: summary.readerLagMs.p99,
    generatorLoopP99Ms: summary.generatorLoopDelayMs.p99,
  };
}
