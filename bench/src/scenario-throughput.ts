import { constants, zstdCompressSync } from 'node:zlib';
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
  /**
   * What compressing the saved replays costs per MB ingested: the same streams compressed at the
   * server's zstd level in the bench's process. The relay saves nothing, so our ratio without it
   * is the ratio of the data paths.
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
 * 5.6 MB game, sent as fast as the sockets take it, first into the relay, then into our server,
 * alternately, `repetitions` times each. Every reader's bytes and every saved file are checked.
 */
export async function runThroughput(context: BenchContext, plan: ThroughputPlan): Promise<ThroughputResult> {
  const runs: ThroughputRun[] = [];
  for (let repetition = 0; repetition < plan.repetitions; repetition++) {
    for (const kind of ['relay', 'server'] as const) {
      const run = await throughputRun(context, kind, plan);
      context.log(`throughput ${kind} #${repetition + 1}: ${run.mbPerCpuS.toFixed(1)} MB per CPU-second`);
      runs.push(run);
    }
  }
  const medianOf = (kind: TargetKind, pick: (run: ThroughputRun) => number): number =>
    median(runs.filter((run) => run.target === kind).map(pick));
  const serverCpuMsPerMb = medianOf('server', (run) => run.cpuMsPerMb);
  const relayCpuMsPerMb = medianOf('relay', (run) => run.cpuMsPerMb);
  const zstdCpuMsPerMb = compressionCpuMsPerMb(context, plan);
  return {
    plan,
    runs,
    serverMbPerCpuS: medianOf('server', (run) => run.mbPerCpuS),
    relayMbPerCpuS: medianOf('relay', (run) => run.mbPerCpuS),
    serverCpuMsPerMb,
    relayCpuMsPerMb,
    cpuRatioToRelay: serverCpuMsPerMb / relayCpuMsPerMb,
    zstdCpuMsPerMb,
    dataPathRatioToRelay: (serverCpuMsPerMb - zstdCpuMsPerMb) / relayCpuMsPerMb,
    diskBytesPerByteIngested: medianOf('server', (run) => run.diskBytesPerByteIngested),
  };
}

/** The server's default zstd level (`storage.compression_level`), which the bench leaves as is. */
const SERVER_ZSTD_LEVEL = 10;

/** CPU ms per MB ingested that compressing each game's stream once costs (median of 3). */
function compressionCpuMsPerMb(context: BenchContext, plan: ThroughputPlan): number {
  const stream = wholeGames(context.source, 1)[0]?.stream.bytes;
  if (stream === undefined) return Number.NaN;
  const params = { [constants.ZSTD_c_compressionLevel]: SERVER_ZSTD_LEVEL };
  const samples = [0, 1, 2].map(() => {
    const before = process.cpuUsage();
    zstdCompressSync(stream, { params });
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  });
  return median(samples) / megabytes(stream.length * plan.writersPerGame);
}

/** One flood; `cpuProfileDir` runs the server under `node --cpu-prof`. */
export async function throughputRun(
  context: BenchContext,
  kind: TargetKind,
  plan: ThroughputPlan,
  cpuProfileDir?: string,
): Promise<ThroughputRun> {
  const target =
    kind === 'relay'
      ? await TargetProcess.startRelay(FLOOD_GRACE_S)
      : await TargetProcess.startServer({
          delayS: 1,
          // A flooded server can take over a second to read a new connection's header: a shorter
          // grace refuses the late writers and readers of a game whose first writer has finished.
          graceS: FLOOD_GRACE_S,
          ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
        });
  try {
    return await flood(context, target, plan);
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
