import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionCategory, ConnectionResult, GameId, ServerEvents } from '@faf-replay/core';

/**
 * The core's events as Prometheus metrics: the Rust server's names and labels (spec §9.3), plus
 * bytes in and out, readers per replay, save failures and the spool, and Node's own metrics
 * (event-loop delay, heap, CPU).
 */
export class PrometheusEvents implements ServerEvents {
  readonly registry = new Registry();
  readonly #activeConnections = new Gauge({
    name: 'replayserver_active_connections_count',
    help: 'Open connections by category: initial (header not read yet), reader or writer.',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly #servedConnections = new Counter({
    name: 'replayserver_served_connections_total',
    help: 'Connections that ended, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly #runningReplays = new Gauge({
    name: 'replayserver_running_replays_count',
    help: 'Live replays.',
    registers: [this.registry],
  });
  readonly #finishedReplays = new Counter({
    name: 'replayserver_finished_replays_total',
    help: 'Replays whose lifetime completed.',
    registers: [this.registry],
  });
  readonly #savedReplayFiles = new Counter({
    name: 'replayserver_saved_replay_files_total',
    help: 'Replay files written to the vault.',
    registers: [this.registry],
  });
  readonly #saveFailures = new Counter({
    name: 'replayserver_replay_save_failures_total',
    help: 'Failed attempts to save a replay to the vault (each is retried; the replay is kept).',
    registers: [this.registry],
  });
  readonly #spooledReplays = new Counter({
    name: 'replayserver_spooled_replays_total',
    help: 'Replays that could not be saved before shutdown and were kept in the spool.',
    registers: [this.registry],
  });
  readonly #recoveredReplays = new Counter({
    name: 'replayserver_recovered_replays_total',
    help: 'Games that a previous process left live, taken over from their log at start and finished.',
    registers: [this.registry],
  });
  readonly #lostReplays = new Counter({
    name: 'replayserver_replays_lost_total',
    help: 'Replays that neither the vault nor the spool took (kept in memory and retried while the process lives).',
    registers: [this.registry],
  });
  readonly #readers = new Gauge({
    name: 'replayserver_replay_readers_count',
    help: 'Readers watching each live replay.',
    labelNames: ['replay_id'] as const,
    registers: [this.registry],
  });
  readonly #bytesIn = new Counter({
    name: 'replayserver_received_bytes_total',
    help: 'Bytes received from writers (after the connection header).',
    registers: [this.registry],
  });
  readonly #bytesOut = new Counter({
    name: 'replayserver_sent_bytes_total',
    help: 'Bytes sent to readers.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const category of ['initial', 'reader', 'writer'] as const)
      this.#activeConnections.set({ category }, 0);
    this.#runningReplays.set(0);
  }

  connectionMoved(from: ConnectionCategory | null, to: ConnectionCategory | null): void {
    if (from !== null) this.#activeConnections.dec({ category: from });
    if (to !== null) this.#activeConnections.inc({ category: to });
  }
  connectionServed(result: ConnectionResult): void {
    this.#servedConnections.inc({ result });
  }
  replayStarted(): void {
    this.#runningReplays.inc();
  }
  replayRecovered(): void {
    this.#recoveredReplays.inc();
  }
  replayEnded(gameId: GameId): void {
    this.#runningReplays.dec();
    this.#finishedReplays.inc();
    this.#readers.remove({ replay_id: String(gameId) });
  }
  replaySaved(): void {
    this.#savedReplayFiles.inc();
  }
  replaySaveFailed(): void {
    this.#saveFailures.inc();
  }
  replaySpooled(): void {
    this.#spooledReplays.inc();
  }
  replayLost(): void {
    this.#lostReplays.inc();
  }
  readersChanged(gameId: GameId, readers: number): void {
    this.#readers.set({ replay_id: String(gameId) }, readers);
  }
  bytesReceived(bytes: number): void {
    this.#bytesIn.inc(bytes);
  }
  bytesSent(bytes: number): void {
    this.#bytesOut.inc(bytes);
  }
}
