import { setTimeout as delay } from 'node:timers/promises';
import { megabytes, spreadWindows } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { finishGames } from './finish-games.ts';
import { reachableHeapBytes } from './heap-snapshot.ts';
import { realRateGenerator } from './load-generator.ts';
import { gameSeconds, gameStream } from './replay-source.ts';
import type { ReplaySource } from './replay-source.ts';
import { heapSnapshotDir, TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';

export interface RealRatePlan {
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
  readonly rssPerGameMb: number;
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
 * at its own pace, are sampled once the ramp-up, the delay and `holdS` have passed: RSS per game
 * over idle, and the heap bytes reachable per game (a snapshot then, minus one once they ended).
 */
export async function runRealRateMemory(context: BenchContext, plan: RealRatePlan): Promise<RealRateMemory> {
  const target = await TargetProcess.startServer({ delayS: plan.delayS, graceS: 2, heapSnapshots: true });
  try {
    const settleS = plan.rampUpS + plan.delayS + plan.holdS;
    const specs = spreadWindows(context.source, plan.games, Math.ceil((settleS + 2) * 10));
    const sampler = new TargetSampler(target, 1000);
    const generator = realRateGenerator(target.tcpPort, plan);
    const idle = await sampler.sample();
    generator.addGames(specs, plan.rampUpS * 1000);
    await delay(settleS * 1000);
    const live = await sampler.sample();
    const liveHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
    const { final, savedFiles } = await finishGames(target, generator, specs, {
      timeoutMs: FINISH_TIMEOUT_MS,
      onCut: () => context.log('memory at the real rate: games did not end; cutting them'),
    });
    const endedHeapBytes = await reachableHeapBytes(target.pid, heapSnapshotDir(target.dataDir));
    return {
      plan,
      rssPerGameMb: megabytes(live.rssBytes - idle.rssBytes) / plan.games,
      reachablePerGameMb: megabytes(liveHeapBytes - endedHeapBytes) / plan.games,
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

/** The whole game's stream bytes per second at its real pace. */
function bytesPerSecond(source: ReplaySource): number {
  const whole = gameStream(source);
  return whole.bytes.length / gameSeconds(whole);
}
