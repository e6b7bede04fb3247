import type { GameId } from '../game-id.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { Clock } from '../ports/clock.js';
import { admitEveryGame } from '../ports/game-admission.js';
import type { GameAdmission } from '../ports/game-admission.js';
import type { GameDirectory } from '../ports/game-directory.js';
import type { GameMetadataSource } from '../ports/game-metadata-source.js';
import type { GameStatsSink } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { ReplayArchive } from '../ports/replay-archive.js';
import type { ReplaySpool } from '../ports/replay-spool.js';
import type { ReplayLogStore } from '../ports/replay-log.js';
import type { ServerEvents } from '../ports/server-events.js';
import { MemoryReplayLogStore } from '../log/memory-replay-log.js';
import { BlockPool } from '../merge/block-pool.js';
import { ScfaHeaderMetadataSource } from '../metadata/index.js';
import { HeaderBudget } from '../protocol/index.js';
import { ConnectionHandler } from '../replay/connection-handler.js';
import { ReplayDirectory } from '../replay/replay-directory.js';
import { ReplaySaver } from '../replay/replay-saver.js';
import type { ReplaySettings } from '../replay/replay-settings.js';
import { SpoolRecovery } from '../replay/spool-recovery.js';

/** What the core needs from the outside world. */
export interface ReplayServicePorts {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: ServerEvents;
  readonly archive: ReplayArchive;
  readonly spool: ReplaySpool;
  readonly stats: GameStatsSink;
  /** The JSON header's source (the FAF database); the SCFA header alone when omitted. */
  readonly metadata?: GameMetadataSource;
  /** Who may write; everyone when omitted. */
  readonly admission?: GameAdmission;
  /** Where live games' bytes live; this process's memory when omitted. */
  readonly logStore?: ReplayLogStore;
  /** Where the merges take their blocks from; a pool of the service's own when omitted. */
  readonly blockPool?: BlockPool;
}

export interface ReplayServiceSettings {
  readonly replay: ReplaySettings;
  /** How long a connection may take to send its connection header. */
  readonly headerTimeoutMs: number;
  /** How many ended game ids are remembered to refuse re-creating them. */
  readonly rememberedEndedReplays: number;
  /** How often spooled replays are retried while the vault refuses them. */
  readonly spoolRetryMs: number;
  /** The most SCFA-header bytes held at once across all writers whose header is incomplete. */
  readonly headerBudgetBytes?: number;
  /**
   * How often the log store is asked again for games that no live process owns (a peer sharing
   * the live path died), which are adopted like those found at start. Undefined: only at start.
   */
  readonly adoptIntervalMs?: number;
}

/** How often the merges' block pool lets go of the free blocks it did not need meanwhile. */
export const POOL_TRIM_INTERVAL_MS = 60_000;

/** 64 headers of the 1 MiB maximum: far more than honest writers ever hold at once (a few KiB each). */
export const DEFAULT_HEADER_BUDGET_BYTES = 64 * 1024 * 1024;

/** The core as one object: what app and the test harness start, serve connections with, and stop. */
export interface ReplayService {
  readonly directory: GameDirectory;
  /**
   * Serves one connection until it is closed. Never rejects. A connection that arrives while
   * `start` recovers the games a previous process left waits for it (a writer of such a game
   * continues it), and is closed if the service is shut down instead.
   */
  handleConnection(connection: ByteConnection): Promise<void>;
  /**
   * Takes over the games a previous process left live in the log store (each is finished and
   * saved as usual), then keeps moving spooled replays to the archive in the background, and,
   * every `adoptIntervalMs`, takes over the games of peers that died meanwhile. Call it once;
   * the listeners may already take connections (they wait). Resolves with how many games were
   * recovered at start.
   */
  start(): Promise<{ readonly recoveredGames: number }>;
  /** One pass over the spool (what `start` repeats in the background); resolves with how many replays remain. */
  recoverSpoolOnce(): Promise<number>;
  /** Cuts every live game short (each saves what it has) and stops the background work. */
  shutdown(): Promise<void>;
  /** Replays that neither the vault nor the spool took: kept in memory and retried while the process lives. */
  readonly unsavedReplays: number;
  /** Stops retrying unsaved replays (at exit) and returns their ids: what is lost when the process ends. */
  giveUpUnsaved(): readonly GameId[];
  /** Resolves once no replay is unsaved (or after `giveUpUnsaved`). */
  unsavedSettled(): Promise<void>;
}

export function createReplayService(
  ports: ReplayServicePorts,
  settings: ReplayServiceSettings,
): ReplayService {
  return new CoreReplayService(ports, settings);
}

/** The core's parts, built once from the ports: the directory, the handler, the saver, the spool recovery. */
export class CoreReplayService implements ReplayService {
  /** The concrete directory (the test harness reaches into live replays). */
  readonly directory: ReplayDirectory;
  readonly #settings: ReplayServiceSettings;
  readonly #logStore: ReplayLogStore;
  readonly #saver: ReplaySaver;
  readonly #handler: ConnectionHandler;
  readonly #spoolRecovery: SpoolRecovery;
  readonly #stopBackground = new AbortController();
  readonly #stopAdopting = new AbortController();
  readonly #clock: Clock;
  readonly #logger: Logger;
  #background: Promise<void> = Promise.resolve();
  #trimming: Promise<void> = Promise.resolve();
  readonly #blockPool: BlockPool;
  #adopting: Promise<void> = Promise.resolve();
  /** While `start` recovers: resolves true once it did, false when shut down first. */
  #starting: Promise<boolean> | undefined;
  /** The adoption pass of `start`: a shutdown waits for it, so that the cut takes what it adopted. */
  #startPass: Promise<void> = Promise.resolve();
  #endStarting: (started: boolean) => void = () => undefined;

  constructor(ports: ReplayServicePorts, settings: ReplayServiceSettings) {
    const { clock, logger, events } = ports;
    const { adoptIntervalMs } = settings;
    if (adoptIntervalMs !== undefined && !(adoptIntervalMs > 0 && Number.isFinite(adoptIntervalMs)))
      throw new RangeError(
        `adoptIntervalMs must be a positive number of milliseconds, got ${adoptIntervalMs}`,
      );
    this.#settings = settings;
    this.#clock = clock;
    this.#logger = logger;
    this.#logStore = ports.logStore ?? new MemoryReplayLogStore();
    this.#blockPool = ports.blockPool ?? new BlockPool();
    this.#saver = saverOf(ports, settings);
    this.directory = new ReplayDirectory(
      settings.replay,
      {
        clock,
        events,
        logger,
        saver: this.#saver,
        admission: ports.admission ?? admitEveryGame,
        logStore: this.#logStore,
        headerBudget: new HeaderBudget(settings.headerBudgetBytes ?? DEFAULT_HEADER_BUDGET_BYTES),
        blockPool: this.#blockPool,
      },
      { rememberedEndedReplays: settings.rememberedEndedReplays },
    );
    this.#handler = new ConnectionHandler({
      directory: this.directory,
      clock,
      events,
      logger,
      headerTimeoutMs: settings.headerTimeoutMs,
    });
    const { spool, archive, stats } = ports;
    this.#spoolRecovery = new SpoolRecovery({ spool, archive, stats, events, clock, logger });
  }

  get unsavedReplays(): number {
    return this.#saver.unsavedReplays;
  }

  handleConnection(connection: ByteConnection): Promise<void> {
    const starting = this.#starting;
    if (starting === undefined) return this.#handler.handleConnection(connection);
    return starting.then((started) => {
      if (started) return this.#handler.handleConnection(connection);
      connection.destroy();
      return undefined;
    });
  }

  async start(): Promise<{ readonly recoveredGames: number }> {
    this.#starting = new Promise<boolean>((resolve) => (this.#endStarting = resolve));
    try {
      return await this.#recoverAndStart();
    } finally {
      this.#endStarting(true);
      this.#starting = undefined;
    }
  }

  async #recoverAndStart(): Promise<{ readonly recoveredGames: number }> {
    let recoveredGames = 0;
    const pass = this.#adoptOrphans();
    this.#startPass = pass.then(
      () => undefined,
      () => undefined,
    );
    try {
      recoveredGames = await pass;
    } catch (error) {
      // New games must still be served (in memory, if their logs fail too): never refuse to start.
      this.#logger.error(
        { err: error },
        'Could not recover the live games a previous process left; serving anyway',
      );
    }
    // Shut down while recovering: no background work may start after the shutdown.
    if (this.#stopAdopting.signal.aborted) return { recoveredGames };
    this.#background = this.#spoolRecovery.recoverUntilEmpty(
      this.#settings.spoolRetryMs,
      this.#stopBackground.signal,
    );
    this.#trimming = this.#trimPoolEvery(POOL_TRIM_INTERVAL_MS, this.#stopBackground.signal);
    const { adoptIntervalMs } = this.#settings;
    if (adoptIntervalMs !== undefined) this.#adopting = this.#adoptEvery(adoptIntervalMs);
    return { recoveredGames };
  }

  /** Adopts the games the log store yields; resolves with how many, or rejects when it cannot list them. */
  async #adoptOrphans(): Promise<number> {
    let adopted = 0;
    const hotBytes = this.#settings.replay.merge.comparisonDistanceBytes;
    for await (const recovered of this.#logStore.recover({ hotBytes })) {
      // Adopted even when stopping: the store gave this game to this process, which must finish it.
      this.directory.adopt(recovered);
      adopted++;
      if (this.#stopAdopting.signal.aborted) break;
    }
    return adopted;
  }

  async #adoptEvery(intervalMs: number): Promise<void> {
    const stop = this.#stopAdopting.signal;
    for (;;) {
      await this.#clock.sleep(intervalMs, stop);
      if (stop.aborted) return;
      try {
        const adoptedGames = await this.#adoptOrphans();
        if (adoptedGames > 0) {
          this.#logger.info({ adoptedGames }, `Adopted ${adoptedGames} live game(s) whose process stopped`);
        }
      } catch (error) {
        this.#logger.warn(
          { err: error, retryInMs: intervalMs },
          'Could not look for live games whose process stopped; trying again later',
        );
      }
    }
  }

  /** Memory the merges took in a burst goes back once the burst is over. */
  async #trimPoolEvery(intervalMs: number, stop: AbortSignal): Promise<void> {
    for (;;) {
      await this.#clock.sleep(intervalMs, stop);
      if (stop.aborted) return;
      this.#blockPool.trim();
    }
  }

  recoverSpoolOnce(): Promise<number> {
    return this.#spoolRecovery.recoverOnce();
  }

  giveUpUnsaved(): readonly GameId[] {
    return this.#saver.giveUp();
  }

  unsavedSettled(): Promise<void> {
    return this.#saver.whenSettled();
  }

  async shutdown(): Promise<void> {
    // Connections waiting for a start that has not finished are closed, not served.
    this.#endStarting(false);
    // No game may be adopted once the cut began: it would be left out of it.
    this.#stopAdopting.abort();
    await this.#startPass;
    await this.#adopting;
    await this.directory.cutAll();
    this.#stopBackground.abort();
    await this.#background;
    await this.#trimming;
  }
}

function saverOf(ports: ReplayServicePorts, settings: ReplayServiceSettings): ReplaySaver {
  const fallbackMetadata = new ScfaHeaderMetadataSource();
  return new ReplaySaver(
    {
      clock: ports.clock,
      archive: ports.archive,
      spool: ports.spool,
      metadata: ports.metadata ?? fallbackMetadata,
      fallbackMetadata,
      stats: ports.stats,
      events: ports.events,
    },
    settings.replay.saveRetry,
  );
}
