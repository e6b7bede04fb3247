import { setTimeout as delay } from 'node:timers/promises';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { megabytes, wholeGames } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { finishGames } from './finish-games.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { LoadGenerator } from './load-generator.ts';
import { memorySpan } from './memory-samples.ts';
import type { MemorySpan } from './memory-samples.ts';
import { loadReplaySource } from './replay-source.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import { TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';

export interface EndedPlan {
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Games played at once: the next batch starts once the last one has closed every connection. */
  readonly gamesAtOnce: number;
  readonly delayS: number;
  readonly graceS: number;
  /** Memory is sampled this often: `idleSamples` times before the games, `samples` times once all are saved. */
  readonly sampleIntervalS: number;
  readonly idleSamples: number;
  readonly samples: number;
}

export interface EndedResult {
  readonly plan: EndedPlan;
  readonly fixture: string;
  readonly streamMb: number;
  readonly idle: MemorySpan;
  readonly afterEnded: MemorySpan;
  /** Heap + external, least after the games over least at idle. */
  readonly growthMb: number;
  readonly growthMbPerGame: number;
  readonly rssGrowthMb: number;
  readonly playS: number;
  readonly final: GeneratorSummary;
  readonly savedFiles: SavedFilesCheck | undefined;
  readonly problems: readonly string[];
}

const BATCH_TIMEOUT_MS = 60_000;
const SAVE_TIMEOUT_MS = 60_000;

/**
 * Memory after ended games: G whole games of the 43-minute fixture × W writers × R readers, sent
 * as fast as the server takes them, a batch at a time; once all are saved, what the server still
 * holds over its idle heap + external memory and RSS. An ended game should leave nothing behind.
 */
export async function runEnded(context: BenchContext, plan: EndedPlan): Promise<EndedResult> {
  const target = await TargetProcess.startServer({ delayS: plan.delayS, graceS: plan.graceS });
  try {
    return await playAndMeasure(context, target, plan);
  } finally {
    await target.stop();
    context.release(target);
  }
}

async function playAndMeasure(
  context: BenchContext,
  target: TargetProcess,
  plan: EndedPlan,
): Promise<EndedResult> {
  const sampler = new TargetSampler(target, 1000);
  const idle = await sampleSpan(sampler, plan.idleSamples, plan.sampleIntervalS);
  const specs = wholeGames(loadReplaySource(fixturePath(fixtureFacts.long.file)), plan.games);
  const generator = floodGenerator(target, plan);
  const startedMs = performance.now();
  for (let first = 0; first < specs.length; first += plan.gamesAtOnce) {
    generator.addGames(specs.slice(first, first + plan.gamesAtOnce), 0);
    if (!(await generator.idle(BATCH_TIMEOUT_MS))) throw new Error(`games ${first}… did not end`);
  }
  const playS = (performance.now() - startedMs) / 1000;
  await savedAll(sampler, plan.games);
  context.log(`ended: ${plan.games} games played and saved in ${playS.toFixed(1)} s; sampling memory`);
  const afterEnded = await sampleSpan(sampler, plan.samples, plan.sampleIntervalS);
  const growthMb = megabytes(afterEnded.jsMinBytes - idle.jsMinBytes);
  // Every batch ended above: this only takes the summary and checks the saved files.
  const { final, savedFiles } = await finishGames(target, generator, specs, {
    timeoutMs: BATCH_TIMEOUT_MS,
    onCut: () => context.log('ended: games still open; cut'),
  });
  return {
    plan,
    fixture: fixtureFacts.long.file,
    streamMb: megabytes(specs[0]?.stream.bytes.length ?? 0),
    idle,
    afterEnded,
    growthMb,
    growthMbPerGame: growthMb / plan.games,
    rssGrowthMb: megabytes(afterEnded.rssMinBytes - idle.rssMinBytes),
    playS,
    final,
    savedFiles,
    problems: target.problems.map((problem) => problem.line),
  };
}

/** Writers as fast as the sockets take it, readers 200 ms after them. */
function floodGenerator(target: TargetProcess, plan: EndedPlan): LoadGenerator {
  return new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: Number.POSITIVE_INFINITY,
    readerDelayMs: 200,
    serverDelayMs: 0,
  });
}

async function sampleSpan(sampler: TargetSampler, count: number, intervalS: number): Promise<MemorySpan> {
  const readings = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await delay(intervalS * 1000);
    readings.push(await sampler.sample());
  }
  return memorySpan(readings);
}

async function savedAll(sampler: TargetSampler, games: number): Promise<void> {
  const deadline = performance.now() + SAVE_TIMEOUT_MS;
  for (;;) {
    const saved = (await sampler.sample()).savedReplays;
    if (saved >= games) return;
    if (performance.now() > deadline) throw new Error(`the server saved ${saved} of ${games} games`);
    await delay(100);
  }
}
