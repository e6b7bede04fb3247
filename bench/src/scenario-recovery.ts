import { setTimeout as delay } from 'node:timers/promises';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { FIRST_GAME_ID, megabytes } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { cutGameSpecs, cutOffset } from './cut-games.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import { liveLogBytes, newestHeartbeatMs, QuietDetector } from './live-log-files.ts';
import { LoadGenerator } from './load-generator.ts';
import type { GameSpec } from './load-generator.ts';
import { machineCpuMs } from './proc-stats.ts';
import { gameStream, loadReplaySource } from './replay-source.ts';
import { checkSavedPrefixes } from './saved-prefix.ts';
import type { CutGame, SavedPrefixCheck } from './saved-prefix.ts';
import { liveLogPath, TargetProcess } from './target-process.ts';
import type { ServerSettings } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { TargetSample } from './target-sampler.ts';

export interface RecoveryPlan {
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Each game's writers send this share of the fixture game, spread evenly over the games. */
  readonly fromFraction: number;
  readonly toFraction: number;
  readonly fsyncIntervalS: number;
  /** `replay.time_with_zero_writers_to_end_replay_s`: a recovered game waits this long for its writers. */
  readonly graceS: number;
  readonly delayS: number;
  /** `storage.live_owner_stale_s`: the restart waits until the killed process's heartbeat is this old. */
  readonly liveOwnerStaleS: number;
}

export interface RecoveryResult {
  readonly plan: RecoveryPlan;
  readonly fixture: string;
  readonly gameMinutes: { readonly min: number; readonly max: number };
  /** What the writers had sent by the kill: one copy per game (every writer sends the same). */
  readonly streamMb: number;
  readonly liveLogGames: number;
  readonly liveLogMb: number;
  /** From the last byte received to the live logs unchanged for 1.5 fsync intervals. */
  readonly flushWaitS: number;
  /** From the kill to the restart (the killed process's heartbeat must go stale first). */
  readonly restartAfterKillS: number;
  readonly listeningS: number;
  readonly allSavedS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
  /** Cores other processes (the generator aside) kept busy from the restart to all saved: they compete with it. */
  readonly otherCores: number;
  readonly recoveredReplays: number;
  readonly savedReplays: number;
  readonly savedFiles: SavedPrefixCheck;
  /** The readers before the kill (cut by it: short, but never different). */
  readonly beforeKill: GeneratorSummary;
  readonly problems: readonly string[];
  readonly problemCount: number;
}

const RAMP_MS = 2_000;
const POLL_MS = 100;
const RECEIVE_TIMEOUT_MS = 120_000;
const FLUSH_TIMEOUT_MS = 30_000;
const SAVE_TIMEOUT_MS = 120_000;
const STARTUP_TIMEOUT_MS = 120_000;
/** Beyond the staleness bound, for the file system's clock and the scan's own timing. */
const STALE_MARGIN_MS = 250;

/** Where the first server stood when it was killed. */
interface Crash {
  readonly games: readonly CutGame[];
  readonly liveLog: { readonly games: number; readonly bytes: number };
  readonly flushWaitMs: number;
  readonly killedAtMs: number;
  readonly beforeKill: GeneratorSummary;
}

/**
 * Durability: G live games × W writers × R readers of the 43-minute fixture, each streamed fast to
 * a different point (a share of the game) and held there, writers connected. Once the server has
 * received everything and its live logs have stopped growing for 1.5 fsync intervals, it is killed
 * (SIGKILL) and started again on the same directories: how long it takes to listen, and to save
 * every game, at what CPU and peak RSS; each saved replay must be a prefix of what its writers
 * sent, lacking at most what they sent in the last fsync interval.
 */
export async function runRecovery(context: BenchContext, plan: RecoveryPlan): Promise<RecoveryResult> {
  const first = await TargetProcess.startServer(serverSettings(plan));
  const restart: { target?: TargetProcess } = {};
  try {
    const crash = await loadAndKill(context, first, plan);
    return await restartAndSave(context, first, plan, crash, restart);
  } finally {
    await first.kill();
    await restart.target?.stop();
    context.release(restart.target ?? first);
  }
}

function serverSettings(plan: RecoveryPlan): ServerSettings {
  return {
    delayS: plan.delayS,
    graceS: plan.graceS,
    fsyncIntervalS: plan.fsyncIntervalS,
    liveOwnerStaleS: plan.liveOwnerStaleS,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
  };
}

function recoverySpecs(plan: RecoveryPlan): GameSpec[] {
  const stream = gameStream(loadReplaySource(fixturePath(fixtureFacts.long.file)));
  return cutGameSpecs(stream, plan.games, { from: plan.fromFraction, to: plan.toFraction }, FIRST_GAME_ID);
}

async function loadAndKill(context: BenchContext, target: TargetProcess, plan: RecoveryPlan): Promise<Crash> {
  const specs = recoverySpecs(plan);
  const generator = new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: Number.POSITIVE_INFINITY,
    readerDelayMs: 500,
    serverDelayMs: 0,
  });
  generator.addGames(specs, RAMP_MS);
  const expectedBytes = specs.reduce((sum, spec) => sum + cutOffset(spec) * plan.writersPerGame, 0);
  context.log(`recovery: ${plan.games} games sending ${megabytes(expectedBytes).toFixed(0)} MB, then held`);
  await receivedAll(new TargetSampler(target, POLL_MS), expectedBytes);
  const sentBefore = sentPerGame(generator);
  const flushStartMs = performance.now();
  const liveLog = await logsSettled(liveLogPath(target.dataDir), plan.fsyncIntervalS * 1000);
  const flushWaitMs = performance.now() - flushStartMs;
  const sentAtKill = sentPerGame(generator);
  await target.kill();
  const killedAtMs = performance.now();
  context.log(`recovery: killed the server (${megabytes(liveLog.bytes).toFixed(0)} MB of live logs)`);
  await generator.idle(10_000);
  generator.abort();
  const games = specs.map((spec, i) => ({
    gameId: spec.gameId,
    stream: spec.stream.bytes,
    sentBytes: sentAtKill[i] ?? 0,
    allowanceBytes: (sentAtKill[i] ?? 0) - (sentBefore[i] ?? 0),
  }));
  return { games, liveLog, flushWaitMs, killedAtMs, beforeKill: generator.summary() };
}

/** Each game's bytes sent so far (the most any of its writers sent). */
function sentPerGame(generator: LoadGenerator): number[] {
  return generator.games.map((game) => Math.max(0, ...game.writers.map((writer) => writer.sentBytes)));
}

async function receivedAll(sampler: TargetSampler, bytes: number): Promise<void> {
  const deadline = performance.now() + RECEIVE_TIMEOUT_MS;
  for (;;) {
    const received = (await sampler.sample()).receivedBytes;
    if (received >= bytes) return;
    if (performance.now() > deadline) throw new Error(`the server received ${received} of ${bytes} bytes`);
    await delay(POLL_MS);
  }
}

/**
 * Waits until the live logs have stopped growing for 1.5 fsync intervals (and at least one
 * interval has passed): every batch received has been written. The server exposes no figure of
 * its unwritten bytes, so the files are watched.
 */
async function logsSettled(
  livePath: string,
  fsyncIntervalMs: number,
): Promise<{ games: number; bytes: number }> {
  const quiet = new QuietDetector(fsyncIntervalMs * 1.5);
  const deadline = performance.now() + FLUSH_TIMEOUT_MS;
  for (;;) {
    const now = performance.now();
    const logs = await liveLogBytes(livePath);
    if (quiet.observe(now, logs.bytes)) return logs;
    if (now > deadline) throw new Error(`the live logs still grew after ${FLUSH_TIMEOUT_MS} ms`);
    await delay(POLL_MS);
  }
}

async function restartAndSave(
  context: BenchContext,
  first: TargetProcess,
  plan: RecoveryPlan,
  crash: Crash,
  restart: { target?: TargetProcess },
): Promise<RecoveryResult> {
  await heartbeatStale(liveLogPath(first.dataDir), plan.liveOwnerStaleS * 1000);
  const spawnedAtMs = performance.now();
  const machineBusyAtSpawnMs = machineCpuMs().busyMs;
  const generatorCpuAtSpawnMs = processCpuMs();
  const target = await TargetProcess.startServer({
    ...serverSettings(plan),
    dataDir: first.dataDir,
    logName: 'server-restarted.log',
  });
  restart.target = target;
  const listeningMs = performance.now() - spawnedAtMs;
  context.log(`recovery: restarted, listening after ${listeningMs.toFixed(0)} ms`);
  const saved = await allSaved(new TargetSampler(target, POLL_MS), plan.games);
  const vaultPath = target.vaultPath ?? '';
  return {
    ...crashFigures(plan, crash),
    restartAfterKillS: (spawnedAtMs - crash.killedAtMs) / 1000,
    listeningS: listeningMs / 1000,
    allSavedS: (saved.atMs - spawnedAtMs) / 1000,
    cpuS: saved.cpuMs / 1000,
    peakRssMb: megabytes(saved.peakRssBytes),
    otherCores: otherCoresSince(saved, { spawnedAtMs, machineBusyAtSpawnMs, generatorCpuAtSpawnMs }),
    recoveredReplays: saved.recoveredReplays,
    savedReplays: saved.savedReplays,
    savedFiles: await checkSavedPrefixes(vaultPath, crash.games),
    problems: target.problems.map((problem) => problem.line),
    problemCount: target.problemCount,
  };
}

/** Cores used by processes other than the server and the runner since the restart's spawn. */
function otherCoresSince(
  saved: TargetSample,
  spawn: {
    readonly spawnedAtMs: number;
    readonly machineBusyAtSpawnMs: number;
    readonly generatorCpuAtSpawnMs: number;
  },
): number {
  const others =
    saved.machineBusyMs -
    spawn.machineBusyAtSpawnMs -
    saved.cpuMs -
    (saved.generatorCpuMs - spawn.generatorCpuAtSpawnMs);
  return others / (saved.atMs - spawn.spawnedAtMs);
}

function crashFigures(plan: RecoveryPlan, crash: Crash) {
  const ticks = fixtureFacts.long.ticks;
  return {
    plan,
    fixture: fixtureFacts.long.file,
    gameMinutes: { min: (plan.fromFraction * ticks) / 600, max: (plan.toFraction * ticks) / 600 },
    streamMb: megabytes(crash.games.reduce((sum, game) => sum + game.sentBytes, 0)),
    liveLogGames: crash.liveLog.games,
    liveLogMb: megabytes(crash.liveLog.bytes),
    flushWaitS: crash.flushWaitMs / 1000,
    beforeKill: crash.beforeKill,
  };
}

function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Waits until the newest heartbeat under the live path is older than the staleness bound. */
async function heartbeatStale(livePath: string, staleMs: number): Promise<void> {
  const writtenMs = await newestHeartbeatMs(livePath);
  if (writtenMs === undefined) return;
  await delay(Math.max(0, writtenMs + staleMs + STALE_MARGIN_MS - Date.now()));
}

/** The sample at which the server had saved `games` replays. */
async function allSaved(sampler: TargetSampler, games: number) {
  const deadline = performance.now() + SAVE_TIMEOUT_MS;
  for (;;) {
    const sample = await sampler.sample();
    if (sample.savedReplays >= games) return sample;
    if (performance.now() > deadline)
      throw new Error(`the restarted server saved ${sample.savedReplays} of ${games}`);
    await delay(POLL_MS);
  }
}
