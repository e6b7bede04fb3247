import { admitEveryGame } from '../ports/game-admission.js';
import type { GameAdmission } from '../ports/game-admission.js';
import type { GameMetadataSource } from '../ports/game-metadata-source.js';
import { ConnectionHandler, ReplayRegistry, ReplaySaver, defaultReplaySettings } from '../replay/index.js';
import type { ReplaySettings } from '../replay/index.js';
import { ScfaHeaderMetadataSource } from '../standalone/index.js';
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
}

/**
 * The whole core wired to fakes: a manual clock, in-memory archive, stats and spool, recording
 * logger and events. `connect()` opens a pipe connection and hands it to the handler.
 */
export class CoreHarness {
  readonly clock = new ManualClock();
  readonly archive = new InMemoryArchive();
  readonly stats = new InMemoryStatsSink();
  readonly spool = new InMemorySpool();
  readonly events = new RecordingEvents();
  readonly logger = new RecordingLogger();
  readonly settings: ReplaySettings;
  readonly registry: ReplayRegistry;
  readonly handler: ConnectionHandler;
  readonly #served: Promise<void>[] = [];
  #nextId = 0;

  constructor(options: CoreHarnessOptions = {}) {
    this.settings = { ...defaultReplaySettings, ...options.settings };
    const fallbackMetadata = new ScfaHeaderMetadataSource();
    const saver = new ReplaySaver(
      {
        clock: this.clock,
        archive: this.archive,
        spool: this.spool,
        metadata: options.metadata ?? fallbackMetadata,
        fallbackMetadata,
        stats: this.stats,
        events: this.events,
      },
      this.settings.saveRetry,
    );
    this.registry = new ReplayRegistry(
      this.settings,
      { clock: this.clock, events: this.events, logger: this.logger, saver },
      options.admission ?? admitEveryGame,
      { rememberedEndedReplays: 1_000 },
    );
    this.handler = new ConnectionHandler({
      registry: this.registry,
      clock: this.clock,
      events: this.events,
      logger: this.logger,
      headerTimeoutMs: options.headerTimeoutMs ?? 21_600_000,
    });
  }

  /** Opens a connection; `header` (e.g. `P/1/foo\0`) is sent first when given. */
  connect(header?: string): PipeConnection {
    const connection = new PipeConnection(`conn${this.#nextId++}`);
    if (header !== undefined) connection.client.send(header);
    this.#served.push(this.handler.handleConnection(connection));
    return connection;
  }

  /** Resolves once every connection handled so far is done. */
  async allServed(): Promise<void> {
    await Promise.all(this.#served);
  }
}
