import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionCategory, ConnectionResult, GameId, ServerEvents } from '@faf-replay/core';

/** What the metrics read of the merge's block pool. */
interface BlockPoolReading {
  readonly freeBytes: number;
  readonly counts: { readonly taken: number; readonly reused: number };
}

/** The role a served connection had, as core reports it. */
export type ConnectionRole = 'writer' | 'reader' | null;
/** Why a connection was refused before its header was read. */
export type RefusalReason = 'max_connections' | 'origin';
/** The database work that failed. */
export type DatabaseOperation = 'metadata' | 'stats' | 'admission' | 'check';

const connectionResults: readonly ConnectionResult[] = [
  'Success',
  'Bad data',
  'I/O error',
  'No replay matched',
];
const roleLabels = ['writer', 'reader', 'none'] as const;
const refusalReasons: readonly RefusalReason[] = ['max_connections', 'origin'];
const databaseOperations: readonly DatabaseOperation[] = ['metadata', 'stats', 'admission', 'check'];

/**
 * The core's events as Prometheus metrics: the Rust server's names and labels (spec §9.3), plus
 * bytes in and out, readers per replay, save failures and the spool, the database, refused
 * connections, and Node's own metrics (event-loop delay, heap, CPU). Every known label value is
 * exported from the start, at 0, so that a rate() sees the first increment.
 */
export class PrometheusEvents implements ServerEvents {
  readonly registry = new Registry();
  #replaysLost = 0;
  readonly #activeConnections = new Gauge({
    name: 'replayserver_active_connections_count',
    help: 'Open connections by category: initial (header not read yet), reader or writer.',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly #servedConnections = new Counter({
    name: 'replayserver_served_connections_total',
    help: 'Connections that ended, by result; as in the Rust server, every connection attached as a writer or reader counts as Success.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly #connectionResults = new Counter({
    name: 'replayserver_connection_results_total',
    help: 'Connections that ended, by the role they were attached as (none: never attached) and their actual result.',
    labelNames: ['role', 'result'] as const,
    registers: [this.registry],
  });
  readonly #refusedConnections = new Counter({
    name: 'replayserver_refused_connections_total',
    help: 'Connections refused on arrival: over server.max_connections, or a WebSocket Origin not allowed.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  #pendingStatsSource: (() => number) | undefined;
  readonly #pendingStatsUpdates = new Gauge({
    name: 'replayserver_pending_game_stats_updates_count',
    help: 'game_stats updates waiting to be written to the database (FAF mode).',
    registers: [this.registry],
    collect: () => {
      if (this.#pendingStatsSource !== undefined) this.#pendingStatsUpdates.set(this.#pendingStatsSource());
    },
  });
  #blockPool: BlockPoolReading | undefined;
  readonly #blockPoolFreeBytes = new Gauge({
    name: 'replayserver_block_pool_free_bytes',
    help: 'Bytes of free blocks the merge pool keeps for reuse.',
    registers: [this.registry],
    collect: () => {
      if (this.#blockPool !== undefined) this.#blockPoolFreeBytes.set(this.#blockPool.freeBytes);
    },
  });
  readonly #blockPoolTaken = new Counter({
    name: 'replayserver_block_pool_taken_blocks_total',
    help: 'Blocks the merges took from the pool, by whether the pool had one to reuse (new: memory new to the process).',
    labelNames: ['source'] as const,
    registers: [this.registry],
    collect: () => {
      const counts = this.#blockPool?.counts;
      if (counts === undefined) return;
      this.#blockPoolTaken.reset();
      this.#blockPoolTaken.inc({ source: 'reused' }, counts.reused);
      this.#blockPoolTaken.inc({ source: 'new' }, counts.taken - counts.reused);
    },
  });
  readonly #databaseErrors = new Counter({
    name: 'replayserver_database_errors_total',
    help: 'Database queries and updates that failed, by what they were for (FAF mode).',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly #databaseReachable = new Gauge({
    name: 'replayserver_database_reachable',
    help: '1 when the last database check or query succeeded, 0 when it failed (FAF mode; 0 in standalone).',
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
  readonly #liveLogFaults = new Counter({
    name: 'replayserver_live_log_faults_total',
    help: "Faults of live games' logs under storage.live_path, by kind (io: a write retried; dropped: the journal given up, the game goes on in memory; corrupt: a recovery stopped early).",
    labelNames: ['fault'] as const,
    registers: [this.registry],
  });
  readonly #recoveredReplays = new Counter({
    name: 'replayserver_recovered_replays_total',
    help: 'Games that a process that died left live, taken over from their log (each is then saved like any ended game).',
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
    for (const result of connectionResults) {
      this.#servedConnections.inc({ result }, 0);
      for (const role of roleLabels) this.#connectionResults.inc({ role, result }, 0);
    }
    for (const reason of refusalReasons) this.#refusedConnections.inc({ reason }, 0);
    for (const operation of databaseOperations) this.#databaseErrors.inc({ operation }, 0);
    for (const fault of ['io', 'dropped', 'corrupt', 'heartbeat']) this.#liveLogFaults.inc({ fault }, 0);
    this.#runningReplays.set(0);
    this.#pendingStatsUpdates.set(0);
    this.#databaseReachable.set(0);
  }

  /** How many replays were reported lost since the process started. */
  get replaysLost(): number {
    return this.#replaysLost;
  }

  /** A connection was refused before its header was read. */
  connectionRefused(reason: RefusalReason = 'max_connections'): void {
    this.#refusedConnections.inc({ reason });
  }
  /** A live game's log failed (`storage.live_path`): the game goes on in memory. */
  liveLogFault(fault: string): void {
    this.#liveLogFaults.inc({ fault });
  }

  /** The pool whose free bytes and blocks taken are read at each scrape. */
  readBlockPoolFrom(pool: BlockPoolReading): void {
    this.#blockPool = pool;
  }

  /** Where the pending-updates gauge reads its value at each scrape. */
  readPendingStatsUpdatesFrom(source: () => number): void {
    this.#pendingStatsSource = source;
  }

  /** The count of `game_stats` updates waiting for the database changed. */
  pendingStatsUpdatesChanged(count: number): void {
    this.#pendingStatsUpdates.set(count);
  }
  databaseError(operation: DatabaseOperation): void {
    this.#databaseErrors.inc({ operation });
  }
  /** The outcome of the last database check or query. */
  databaseReachable(reachable: boolean): void {
    this.#databaseReachable.set(reachable ? 1 : 0);
  }

  connectionMoved(from: ConnectionCategory | null, to: ConnectionCategory | null): void {
    if (from !== null) this.#activeConnections.dec({ category: from });
    if (to !== null) this.#activeConnections.inc({ category: to });
  }
  connectionServed(result: ConnectionResult, role: ConnectionRole): void {
    // The Rust server counts every attached connection as Success, whatever its end.
    this.#servedConnections.inc({ result: role === null ? result : 'Success' });
    this.#connectionResults.inc({ role: role ?? 'none', result });
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
    this.#replaysLost++;
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
