import { setTimeout as delay } from 'node:timers/promises';
import { megabytes, spreadWindows } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { fileBudget, gamesWithinLimit } from './file-budget.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { realRateGenerator } from './load-generator.ts';
import type { LoadGenerator } from './load-generator.ts';
import { finishGames } from './finish-games.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import { TargetProcess } from './target-process.ts';
import { TargetSampler, timeline } from './target-sampler.ts';
import type { TimelinePoint } from './target-sampler.ts';
import type { TargetSample, WindowStats } from './target-sampler.ts';

export interface PeakPlan {
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  readonly rampUpS: number;
  /** Steady state measured after the ramp-up and the server's delay (readers then get data). */
  readonly holdS: number;
  readonly delayS: number;
  readonly graceS: number;
}

export interface PeakResult {
  readonly plan: PeakPlan;
  readonly streamTicksPerGame: number;
  readonly window: WindowStats;
  readonly receivedMbPerS: number;
  readonly sentMbPerS: number;
  readonly rssPerGameMb: number;
  /** The server's highest RSS over the whole scenario (VmHWM), which is reached while games end and save. */
  readonly peakRssBytes: number;
  /** Reader lag and the generator's health over the measured window only. */
  readonly atSteadyState: GeneratorSummary;
  /** Every connection's ending and every reader's bytes, once all games ended. */
  readonly final: GeneratorSummary;
  readonly savedFiles: SavedFilesCheck | undefined;
  readonly problems: readonly string[];
  readonly problemCount: number;
  readonly timeline: readonly TimelinePoint[];
  /** The server ran under the profiler: its figures are slowed by it. */
  readonly profiled: boolean;
}

/**
 * Scenario 1: FAF's peak today, held. G games × W writers × R readers at the real data rate, each
 * game streaming a window of the 48-minute game (windows spread over the whole game, so the load
 * is its average rate). Games start evenly over the ramp-up; the window measured starts once the
 * ramp-up and the server's delay have passed, and lasts `holdS`. Then every game ends, and every
 * reader's bytes and every saved file are checked.
 */
export async function runPeak(
  context: BenchContext,
  planned: PeakPlan,
  cpuProfileDir?: string,
): Promise<PeakResult> {
  const perGame = planned.writersPerGame + planned.readersPerGame;
  const budget = fileBudget(context.fileLimit, planned.games * perGame);
  if (!budget.fits) context.log(budget.advice);
  const plan = budget.fits ? planned : { ...planned, games: gamesWithinLimit(context.fileLimit, perGame) };
  const target = await TargetProcess.startServer({
    delayS: plan.delayS,
    graceS: plan.graceS,
    ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
  });
  try {
    return await hold(context, target, plan, cpuProfileDir !== undefined);
  } finally {
    await target.stop();
    context.release(target);
  }
}

async function hold(
  context: BenchContext,
  target: TargetProcess,
  plan: PeakPlan,
  profiled: boolean,
): Promise<PeakResult> {
  const settleS = plan.rampUpS + plan.delayS;
  const streamTicks = Math.ceil((settleS + plan.holdS + 2) * 10);
  const specs = spreadWindows(context.source, plan.games, streamTicks);
  const sampler = new TargetSampler(target, 2000);
  const generator = realRateGenerator(target.tcpPort, plan);
  const idle = await sampler.sample();
  sampler.start();
  generator.addGames(specs, plan.rampUpS * 1000);
  context.log(`peak: ${plan.games} games ramping up over ${plan.rampUpS} s, measuring after ${settleS} s`);
  await delay(settleS * 1000);
  const steady = await steadyState(generator, sampler, plan.holdS);
  context.log(`peak: measured ${plan.holdS} s; waiting for the games to end`);
  const { final, savedFiles } = await finishGames(target, generator, specs, {
    timeoutMs: (plan.rampUpS + plan.graceS + 60) * 1000,
    onCut: () => context.log('peak: games still open; cut'),
  });
  await sampler.stop();
  const ended = await sampler.sample();
  return {
    plan,
    streamTicksPerGame: streamTicks,
    ...steadyFigures(steady, idle, plan.games),
    peakRssBytes: ended.peakRssBytes,
    final,
    savedFiles,
    problems: target.problems.map((problem) => problem.line),
    problemCount: target.problemCount,
    timeline: timeline(sampler.samples, idle.atMs),
    profiled,
  };
}

type SteadyState = Awaited<ReturnType<typeof steadyState>>;

function steadyFigures(steady: SteadyState, idle: TargetSample, games: number) {
  const seconds = steady.window.wallMs / 1000;
  return {
    window: steady.window,
    receivedMbPerS: megabytes(steady.to.receivedBytes - steady.from.receivedBytes) / seconds,
    sentMbPerS: megabytes(steady.to.sentBytes - steady.from.sentBytes) / seconds,
    rssPerGameMb: megabytes(steady.to.rssBytes - idle.rssBytes) / games,
    atSteadyState: steady.summary,
  };
}

/** The measured window: samples at its ends, and the generator's view of just that window. */
async function steadyState(generator: LoadGenerator, sampler: TargetSampler, holdS: number) {
  generator.resetMeasurements();
  const from = await sampler.sample();
  await delay(holdS * 1000);
  const to = await sampler.sample();
  return { from, to, window: sampler.window(from, to), summary: generator.summary() };
}
