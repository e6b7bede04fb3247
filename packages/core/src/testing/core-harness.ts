import type { GameAdmission } from '../ports/game-admission.js';
import type { GameMetadataSource } from '../ports/game-metadata-source.js';
import type { ReplayLogStore } from '../ports/replay-log.js';
import { defaultReplaySettings } from '../replay/index.js';
import type { ReplayDirectory, ReplaySettings } from '../replay/index.js';
import { BlockPool } from '../merge/block-pool.js';
import { CoreReplayService } from '../service/replay-service.js';
import type { ReplayService } from '../service/replay-service.js';
import { InMemoryArchive, InMemorySpool, InMemoryStatsSink } from './in-memory-archive.js';
import { ManualClock } from './manual-clock.js';
import { PipeConnection } from './pipe-connection.js';
import { RecordingEvents } from './recording-events.js';
import { RecordingLogger } from './recording-logger.js';

export interface CoreHarnessOptions {
  readonly settings?: Partial<ReplaySettings>;
  readonly headerTimeoutMs?: number;
  readonly metadata?: GameMetadataSource;
  readonly admission?: GameAdmission;
  readonly logStore?: ReplayLogStore;
  /** How often the log store is asked for games whose process stopped; only at start when omitted. */
  readonly adoptIntervalMs?: number;
  /**
   * Lend every connection's chunks from one buffer of this many bytes, overwritten after each
   * `data` call, as the TCP adapter does (`PipeConnection`'s `lendFrom`). Default: chunks are given.
   */
  readonly lendChunksBytes?: number;
}

/**
 * The whole core, built by the same façade as the server, wired to fakes: a manual clock,
 * in-memory archive, stats and spool, recording logger and events. `connect()` opens a pipe
 * connection and hands it to the service.
 */
export class CoreHarness {
  readonly clock = new ManualClock();
  readonly archive = new InMemoryArchive();
  readonly stats = new InMemoryStatsSink();
  readonly spool = new InMemorySpool();
  readonly events = new RecordingEvents();
  readonly logger = new RecordingLogger();
  readonly settings: ReplaySettings;
  /** The merges' blocks: freed ones are overwritten, so a broken lease shows as corrupt bytes in any test. */
  readonly blockPool = new BlockPool({ poison: true });
  readonly service: ReplayService;
  /** The game directory, as the concrete class (tests reach into live replays). */
  readonly directory: ReplayDirectory;
  readonly #served: Promise<void>[] = [];
  readonly #lendFrom: Uint8Array | undefined;
  #nextId = 0;

  constructor(options: CoreHarnessOptions = {}) {
    this.settings = { ...defaultReplaySettings, ...options.settings };
    this.#lendFrom =
      options.lendChunksBytes === undefined ? undefined : new Uint8Array(options.lendChunksBytes);
    const service = new CoreReplayService(
      {
        clock: this.clock,
        logger: this.logger,
        events: this.events,
        archive: this.archive,
        spool: this.spool,
        stats: this.stats,
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
        ...(options.admission === undefined ? {} : { admission: options.admission }),
        ...(options.logStore === undefined ? {} : { logStore: options.logStore }),
        blockPool: this.blockPool,
      },
      {
        replay: this.settings,
        headerTimeoutMs: options.headerTimeoutMs ?? 21_600_000,
        rememberedEndedReplays: 1_000,
        spoolRetryMs: 60_000,
        ...(options.adoptIntervalMs === undefined ? {} : { adoptIntervalMs: options.adoptIntervalMs }),
      },
    );
    this.service = service;
    this.directory = service.directory;
  }

  /**
   * Opens a connection; `header` (e.g. `P/1/foo\0`) is sent first when given; `readFrom` is the
   * offset a reader asks to start at.
   */
  connect(header?: string, readFrom?: number): PipeConnection {
    const connection = new PipeConnection(`conn${this.#nextId++}`, readFrom, this.#lendFrom);
    if (header !== undefined) connection.client.send(header);
    this.#served.push(this.service.handleConnection(connection));
    return connection;
  }

  /** Resolves once every connection handled so far is done. */
  async allServed(): Promise<void> {
    await Promise.all(this.#served);
  }
}
