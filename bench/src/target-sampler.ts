import { listenOverflows, machineCpuMs, sampleProcess } from './proc-stats.ts';
import type { ProcSample } from './proc-stats.ts';
import { metricValue, parsePrometheusText } from './prometheus-text.ts';
import type { MetricSample } from './prometheus-text.ts';
import { max, median } from './stats.ts';
import type { TargetProcess } from './target-process.ts';

/** One sample of the process under test, and of the generator's own CPU at the same moment. */
export interface TargetSample extends ProcSample {
  readonly generatorCpuMs: number;
  /** Busy CPU time of the whole machine (every process, all cores). */
  readonly machineBusyMs: number;
  readonly listenOverflows: number;
  /** Event-loop delay p99 and max since the previous scrape (prom-client resets its histogram). */
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly runningReplays: number;
  readonly writerConnections: number;
  readonly readerConnections: number;
  readonly receivedBytes: number;
  readonly sentBytes: number;
  readonly heapUsedBytes: number;
  /** C++ objects bound to JS objects, array buffers included (prom-client exports no separate figure). */
  readonly externalBytes: number;
  /** V8's young generation as committed (both semi-spaces): it grows under load, whatever the games. */
  readonly youngGenerationBytes: number;
  readonly savedReplays: number;
  /** Games taken over from a previous process's live logs (counted when adopted, not when saved). */
  readonly recoveredReplays: number;
  /** Free blocks the merges' pool keeps, and the blocks taken so far: as new memory, and reused. */
  readonly poolFreeBytes: number;
  readonly poolNewBlocks: number;
  readonly poolReusedBlocks: number;
}

/** Figures over a stretch of samples. */
export interface WindowStats {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** CPU time per wall time of the process under test (1 = one core). */
  readonly cpuShare: number;
  readonly generatorCpuShare: number;
  /** Cores kept busy by other processes on the machine (other work competes with the measurement). */
  readonly otherCores: number;
  /** Connections the kernel dropped on full listen queues (machine-wide). */
  readonly listenOverflows: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** Bytes the process caused to be written to storage (see `ProcSample.diskWrittenBytes`). */
  readonly diskWrittenBytes: number;
  /** Median and max of the per-scrape event-loop delay p99. */
  readonly loopP99MedianMs: number;
  readonly loopP99MaxMs: number;
  readonly loopMaxMs: number;
}

/** Samples `/proc/<pid>` and the server's `/metrics` every `intervalMs`. */
export class TargetSampler {
  readonly samples: TargetSample[] = [];
  readonly #target: TargetProcess;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #failure: Error | undefined;

  constructor(target: TargetProcess, intervalMs: number) {
    this.#target = target;
    this.#intervalMs = intervalMs;
  }

  /** A periodic sample that failed (the process died): the scenario reports it. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#inFlight = this.sample().then(
        () => undefined,
        (error: unknown) => {
          this.#failure ??= error instanceof Error ? error : new Error(String(error));
        },
      );
    }, this.#intervalMs);
  }

  /** Stops sampling, once the sample under way (if any) has finished. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  /** Samples now; throws, with the process's last log lines, if it has died. */
  async sample(): Promise<TargetSample> {
    const metrics = await this.#scrape();
    const death = this.#target.death;
    if (death !== undefined) throw new Error(death);
    const at = performance.now();
    const usage = process.cpuUsage();
    const sample: TargetSample = {
      ...sampleProcess(this.#target.pid, at),
      generatorCpuMs: (usage.user + usage.system) / 1000,
      machineBusyMs: machineCpuMs().busyMs,
      listenOverflows: listenOverflows(),
      loopP99Ms: metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      loopMaxMs: metricValue(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000,
      runningReplays: metricValue(metrics, 'replayserver_running_replays_count'),
      writerConnections: metricValue(metrics, 'replayserver_active_connections_count', {
        category: 'writer',
      }),
      readerConnections: metricValue(metrics, 'replayserver_active_connections_count', {
        category: 'reader',
      }),
      receivedBytes: metricValue(metrics, 'replayserver_received_bytes_total'),
      sentBytes: metricValue(metrics, 'replayserver_sent_bytes_total'),
      heapUsedBytes: metricValue(metrics, 'nodejs_heap_size_used_bytes'),
      externalBytes: metricValue(metrics, 'nodejs_external_memory_bytes'),
      youngGenerationBytes: metricValue(metrics, 'nodejs_heap_space_size_total_bytes', { space: 'new' }),
      savedReplays: metricValue(metrics, 'replayserver_saved_replay_files_total'),
      recoveredReplays: metricValue(metrics, 'replayserver_recovered_replays_total'),
      poolFreeBytes: metricValue(metrics, 'replayserver_block_pool_free_bytes'),
      poolNewBlocks: metricValue(metrics, 'replayserver_block_pool_taken_blocks_total', { source: 'new' }),
      poolReusedBlocks: metricValue(metrics, 'replayserver_block_pool_taken_blocks_total', {
        source: 'reused',
      }),
    };
    this.samples.push(sample);
    return sample;
  }

  /** Stats between two samples (inclusive), with the loop-delay scrapes taken after `from`. */
  window(from: TargetSample, to: TargetSample): WindowStats {
    const inside = this.samples.filter((s) => s.atMs > from.atMs && s.atMs <= to.atMs);
    const wallMs = to.atMs - from.atMs;
    const cpuMs = to.cpuMs - from.cpuMs;
    const loopP99s = inside.map((s) => s.loopP99Ms).filter((v) => !Number.isNaN(v));
    const generatorCpuMs = to.generatorCpuMs - from.generatorCpuMs;
    const machineBusyMs = to.machineBusyMs - from.machineBusyMs;
    return {
      wallMs,
      cpuMs,
      cpuShare: cpuMs / wallMs,
      generatorCpuShare: generatorCpuMs / wallMs,
      otherCores: Math.max(0, (machineBusyMs - cpuMs - generatorCpuMs) / wallMs),
      listenOverflows: to.listenOverflows - from.listenOverflows,
      rssBytes: to.rssBytes,
      peakRssBytes: to.peakRssBytes,
      diskWrittenBytes: to.diskWrittenBytes - from.diskWrittenBytes,
      loopP99MedianMs: median(loopP99s),
      loopP99MaxMs: max(loopP99s),
      loopMaxMs: max(inside.map((s) => s.loopMaxMs).filter((v) => !Number.isNaN(v))),
    };
  }

  async #scrape(): Promise<MetricSample[]> {
    const port = this.#target.metricsPort;
    if (port === undefined) return [];
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
        signal: AbortSignal.timeout(10_000),
      });
      return parsePrometheusText(await response.text());
    } catch {
      return [];
    }
  }
}

/** One sample, compact, for the JSON report's time series. */
export interface TimelinePoint {
  readonly atS: number;
  readonly cpuShare: number;
  readonly rssMb: number;
  readonly loopP99Ms: number;
  readonly writers: number;
  readonly readers: number;
  readonly replays: number;
}

/** The samples as a time series from `startMs`, CPU share taken between neighbouring samples. */
export function timeline(samples: readonly TargetSample[], startMs: number): TimelinePoint[] {
  return samples.slice(1).map((sample, i) => {
    const previous = samples[i] ?? sample;
    return {
      atS: Math.round((sample.atMs - startMs) / 100) / 10,
      cpuShare: Math.round(((sample.cpuMs - previous.cpuMs) / (sample.atMs - previous.atMs)) * 100) / 100,
      rssMb: Math.round(sample.rssBytes / 1e6),
      loopP99Ms: Math.round(sample.loopP99Ms),
      writers: sample.writerConnections,
      readers: sample.readerConnections,
      replays: sample.runningReplays,
    };
  });
}
