import { megabytes, wholeGames } from './bench-context.ts';
import type { BenchContext } from './bench-context.ts';
import { LoadGenerator } from './load-generator.ts';
import { finishGames } from './finish-games.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import { median } from './stats.ts';
import { TargetProcess } from './target-process.ts';
import type { TargetKind } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';
import type { WindowStats } from './target-sampler.ts';

export interface ThroughputPlan {
  readonly games: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  readonly repetitions: number;
}

/** One flood of whole games into one process. */
export interface ThroughputRun {
  readonly target: TargetKind;
  /** The server's `storage.compression_level` when the bench set one (else its default, 10). */
  readonly compressionLevel?: number;
  readonly ingestedMb: number;
  /** CPU of the process under test from before the first connection to the last saved file. */
  readonly cpuS: number;
  readonly mbPerCpuS: number;
  readonly cpuMsPerMb: number;
  /** Ingest rate while the writers were sending (from the first connection to the last writer's end). */
  readonly mbPerWallS: number;
  readonly peakRssMb: number;
  /** Bytes the process wrote to storage (live log, segments, vault) per byte ingested. */
  readonly diskBytesPerByteIngested: number;
  readonly generatorCpuShare: number;
  readonly readersComplete: number;
  readonly readersCorrupt: number;
  readonly readers: number;
  readonly readerFailures: readonly string[];
  readonly shortReaders: readonly string[];
  readonly savedFiles: SavedFilesCheck | undefined;
  readonly problems: readonly string[];
}

export interface ThroughputResult {
  readonly plan: ThroughputPlan;
  readonly runs: readonly ThroughputRun[];
  readonly serverMbPerCpuS: number;
  readonly relayMbPerCpuS: number;
  readonly serverCpuMsPerMb: number;
  readonly relayCpuMsPerMb: number;
  /** Our CPU per MB over the relay's (medians): the figure that holds across machines. */
  readonly cpuRatioToRelay: number;
  /** The server's CPU per MB when it saves at zstd level 1 (the cheapest) rather than 10 (median). */
  readonly fastSaveCpuMsPerMb: number;
  /**
   * What compressing the saved replays at level 10 rather than 1 costs the server per MB ingested:
   * the difference of the medians. The relay saves nothing; our ratio at level 1 is (up to level
   * 1's own small cost) the ratio of the data paths.
   */
  readonly zstdCpuMsPerMb: number;
  readonly dataPathRatioToRelay: number;
  /** Median over the server's runs. */
  readonly diskBytesPerByteIngested: number;
}

const IDLE_TIMEOUT_MS = 180_000;
/** The server's grace period, and the relay's, in floods. */
const FLOOD_GRACE_S = 3;

/**
 * Scenario 3 (throughput) and 5 (the baseline): G games × W writers × R readers of the whole
 * 5.6 MB game, sent as fast as the sockets take it, into the relay, our server, and our server
 * saving at zstd level 1, in turn, `repetitions` times each. Every reader's bytes and every saved file are checked.
 */
export async function runThroughput(context: BenchContext, plan: ThroughputPlan): Promise<ThroughputResult> {
  const runs: ThroughputRun[] = [];
  for (let repetition = 0; repetition < plan.repetitions; repetition++) {
    for (const setup of RUN_SETUPS) {
      const run = await throughputRun(context, setup.target, plan, {
        compressionLevel: setup.compressionLevel,
      });
      context.log(
        `throughput ${runLabel(run)} #${repetition + 1}: ${run.mbPerCpuS.toFixed(1)} MB per CPU-second`,
      );
      runs.push(run);
    }
  }
  const medianOf = (setup: RunSetup, pick: (run: ThroughputRun) => number): number =>
    median(runs.filter((run) => runLabel(run) === runLabel(setup)).map(pick));
  const [relay, server, fastSave] = RUN_SETUPS;
  const serverCpuMsPerMb = medianOf(server, (run) => run.cpuMsPerMb);
  const relayCpuMsPerMb = medianOf(relay, (run) => run.cpuMsPerMb);
  const fastSaveCpuMsPerMb = medianOf(fastSave, (run) => run.cpuMsPerMb);
  return {
    plan,
    runs,
    serverMbPerCpuS: medianOf(server, (run) => run.mbPerCpuS),
    relayMbPerCpuS: medianOf(relay, (run) => run.mbPerCpuS),
    serverCpuMsPerMb,
    relayCpuMsPerMb,
    cpuRatioToRelay: serverCpuMsPerMb / relayCpuMsPerMb,
    fastSaveCpuMsPerMb,
    zstdCpuMsPerMb: serverCpuMsPerMb - fastSaveCpuMsPerMb,
    dataPathRatioToRelay: fastSaveCpuMsPerMb / relayCpuMsPerMb,
    diskBytesPerByteIngested: medianOf(server, (run) => run.diskBytesPerByteIngested),
  };
}

interface RunSetup {
  readonly target: TargetKind;
  readonly compressionLevel?: number | undefined;
}

/**
 * Each repetition: the relay, the server as configured by default (zstd level 10, the Rust
 * server's), and the server saving at level 1, which tells the data path from the compression.
 */
const RUN_SETUPS: readonly [RunSetup, RunSetup, RunSetup] = [
  { target: 'relay' },
  { target: 'server' },
  { target: 'server', compressionLevel: 1 },
];

/** `relay`, `server`, or `server, zstd 1` for a server run at a level the bench set. */
export function runLabel(run: RunSetup): string {
  return run.compressionLevel === undefined ? run.target : `${run.target}, zstd ${run.compressionLevel}`;
}

/** One flood; `cpuProfileDir` runs the server under `node --cpu-prof`, `compressionLevel` sets its zstd level. */
export async function throughputRun(
  context: BenchContext,
  kind: TargetKind,
  plan: ThroughputPlan,
  server: { readonly cpuProfileDir?: string; readonly compressionLevel?: number | undefined } = {},
): Promise<ThroughputRun> {
  const { cpuProfileDir, compressionLevel } = server;
  const target =
    kind === 'relay'
      ? await TargetProcess.startRelay(FLOOD_GRACE_S)
      : await TargetProcess.startServer({
          delayS: 1,
          // A flooded server can take over a second to read a new connection's header: a shorter
          // grace refuses the late writers and readers of a game whose first writer has finished.
          graceS: FLOOD_GRACE_S,
          ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
          ...(compressionLevel === undefined ? {} : { compressionLevel }),
        });
  try {
    const run = await flood(context, target, plan);
    return compressionLevel === undefined ? run : { ...run, compressionLevel };
  } finally {
    await target.stop();
    context.release(target);
  }
}

async function flood(
  context: BenchContext,
  target: TargetProcess,
  plan: ThroughputPlan,
): Promise<ThroughputRun> {
  const sampler = new TargetSampler(target, 1000);
  const specs = wholeGames(context.source, plan.games);
  const generator = new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: Number.POSITIVE_INFINITY,
    readerDelayMs: 100,
    serverDelayMs: 0,
  });
  const before = await sampler.sample();
  generator.addGames(specs, 0);
  sampler.start();
  const { final: summary, savedFiles } = await finishGames(target, generator, specs, {
    timeoutMs: IDLE_TIMEOUT_MS,
    onCut: () => context.log(`throughput ${target.kind}: games still open, cut`),
  });
  await sampler.stop();
  const after = await sampler.sample();
  const writersEndedMs = Math.max(...generator.games.map((game) => game.writersEndedAtMs ?? after.atMs));
  return {
    target: target.kind,
    ...costs(sampler.window(before, after), summary.sentBytes, writersEndedMs - before.atMs),
    readersComplete: summary.readersComplete,
    readersCorrupt: summary.readersCorrupt,
    readers: summary.readers,
    readerFailures: summary.failures,
    shortReaders: summary.shortReaders,
    savedFiles,
    problems: target.problems.map((problem) => problem.line),
  };
}

/** What one flood cost the process: CPU, memory and disk per byte ingested. */
function costs(window: WindowStats, sentBytes: number, writingMs: number) {
  const ingestedMb = megabytes(sentBytes);
  return {
    ingestedMb,
    cpuS: window.cpuMs / 1000,
    mbPerCpuS: ingestedMb / (window.cpuMs / 1000),
    cpuMsPerMb: window.cpuMs / ingestedMb,
    mbPerWallS: ingestedMb / (writingMs / 1000),
    peakRssMb: megabytes(window.peakRssBytes),
    diskBytesPerByteIngested: window.diskWrittenBytes / sentBytes,
    generatorCpuShare: window.generatorCpuShare,
  };
}
