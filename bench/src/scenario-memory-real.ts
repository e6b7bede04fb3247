import { setTimeout as delay } from 'node:timers/promises';
import { FIRST_GAME_ID, megabytes, spreadWindows } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { finishGames } from './finish-games.ts';
import { reachableHeapBytes } from './heap-snapshot.ts';
import { realRateGenerator } from './load-generator.ts';
import type { GameSpec, LoadGenerator } from './load-generator.ts';
import { gameSeconds, gameStream } from './replay-source.ts';
import type { ReplaySource } from './replay-source.ts';
import { heapSnapshotDir, TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { TargetSample } from './target-sampler.ts';

export interface RealRatePlan {
  /** Games of each of the two steps: the server is sampled with this many live games, then twice as many. */
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  readonly delayS: number;
  readonly rampUpS: number;
  /** How long the games run after the ramp-up and the delay before the server is sampled. */
  readonly holdS: number;
}

export interface RealRateMemory {
  readonly plan: RealRatePlan;
  /** RSS over idle with `plan.games` live games, divided by them: fixed costs of a loaded process included. */
  readonly rssPerGameMb: number;
  /** What each game of the second step added to RSS: the cost of one more live game. */
  readonly marginalRssPerGameMb: number;
  /** RSS over idle that the first step's games do not explain at the marginal cost: the loaded process's own. */
  readonly fixedRssMb: number;
  /** V8's young generation (committed) at idle and with 2 × `plan.games` live games. */
  readonly youngGenerationIdleMb: number;
  readonly youngGenerationLoadedMb: number;
  /** Heap bytes (JS and array buffers) reachable per live game: heap snapshots, live minus ended. */
  readonly reachablePerGameMb: number;
  /** The bound at this rate: 256 KiB + a game's stream bytes within the delay. */
  readonly boundMb: number;
  readonly readersComplete: number;
  readonly readers: number;
  readonly filesOk: number;
  readonly files: number;
}

const FINISH_TIMEOUT_MS = 120_000;

/**
 * Scenario 4, second part: memory at FAF's real data rate, where a game's garbage comes as slowly
 * as in production. G games × W writers × R readers, each a window of the 48-minute game streamed
 * at its own pace, are sampled once the ramp-up, the delay and `holdS` have passed; then G more
 * games join and the server is sampled again. RSS over idle per game at the first sample counts
 * what a loaded process costs whatever its games (V8's young generation grows to tens of MB under
 * any load); the second step's growth per game is what one more live game costs, the figure the
 * bound is about. Reachable heap per game: a snapshot with all 2G games live, minus one once they
 * ended.
 */
export async function runRealRateMemory(context: BenchContext, plan: RealRatePlan): Promise<RealRateMemory> {
  const target = await TargetProcess.startServer({ delayS: plan.delayS, graceS: 2, heapSnapshots: true });
  try {
    const settleS = plan.rampUpS + plan.delayS + plan.holdS;
    // The first step's games stay live until the second sample.
    const first = spreadWindows(context.source, plan.games, Math.ceil((2 * settleS + 4) * 10));
    const second = spreadWindows(
      context.source,
      plan.games,
      Math.ceil((settleS + 2) * 10),
      FIRST_GAME_ID + plan.games,
    );
    const sampler = new TargetSampler(target, 1000);
    const generator = realRateGenerator(target.tcpPort, plan);
    const idle = await sampler.sample();
    const [one, two] = await twoSteps(sampler, generator, [first, second], plan);
    const liveHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
    const { final, savedFiles } = await finishGames(target, generator, [...first, ...second], {
      timeoutMs: FINISH_TIMEOUT_MS,
      onCut: () => context.log('memory at the real rate: games did not end; cutting them'),
    });
    const endedHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
    return {
      plan,
      ...rssFigures(idle, one, two, plan.games),
      reachablePerGameMb: megabytes(liveHeapBytes - endedHeapBytes) / (2 * plan.games),
      boundMb: 0.25 * 1.048576 + megabytes(plan.delayS * bytesPerSecond(context.source)),
      readersComplete: final.readersComplete,
      readers: final.readers,
      filesOk: savedFiles?.ok ?? 0,
      files: savedFiles?.checked ?? 0,
    };
  } finally {
    await target.stop();
    context.release(target);
  }
}

/** RSS per game over idle, per additional game, and what the loaded process holds whatever its games. */
function rssFigures(
  idle: TargetSample,
  one: TargetSample,
  two: TargetSample,
  games: number,
): Pick<
  RealRateMemory,
  'rssPerGameMb' | 'marginalRssPerGameMb' | 'fixedRssMb' | 'youngGenerationIdleMb' | 'youngGenerationLoadedMb'
> {
  const rssOverIdleMb = megabytes(one.rssBytes - idle.rssBytes);
  const marginalRssPerGameMb = megabytes(two.rssBytes - one.rssBytes) / games;
  return {
    rssPerGameMb: rssOverIdleMb / games,
    marginalRssPerGameMb,
    fixedRssMb: rssOverIdleMb - marginalRssPerGameMb * games,
    youngGenerationIdleMb: megabytes(idle.youngGenerationBytes),
    youngGenerationLoadedMb: megabytes(two.youngGenerationBytes),
  };
}

/** Adds each step's games and samples the server once they have ramped up, passed the delay and held. */
async function twoSteps(
  sampler: TargetSampler,
  generator: LoadGenerator,
  steps: readonly [readonly GameSpec[], readonly GameSpec[]],
  plan: RealRatePlan,
): Promise<[TargetSample, TargetSample]> {
  const settleMs = (plan.rampUpS + plan.delayS + plan.holdS) * 1000;
  generator.addGames(steps[0], plan.rampUpS * 1000);
  await delay(settleMs);
  const one = await sampler.sample();
  generator.addGames(steps[1], plan.rampUpS * 1000);
  await delay(settleMs);
  return [one, await sampler.sample()];
}

/** The whole game's stream bytes per second at its real pace. */
function bytesPerSecond(source: ReplaySource): number {
  const whole = gameStream(source);
  return whole.bytes.length / gameSeconds(whole);
}
