import { join } from 'node:path';
import { Container } from 'inversify';
import type { ResolutionContext } from 'inversify';
import {
  FilePendingStatsJournal,
  FileReplaySpool,
  LocalStatsIndex,
  VaultArchive,
} from '@faf-replay/adapter-fs';
import { FafDatabase, FafGameAdmission, FafMetadataSource, FafStatsSink } from '@faf-replay/adapter-mysql';
import type { FafWarning } from '@faf-replay/adapter-mysql';
import { TcpListener, WebSocketListener } from '@faf-replay/adapter-tcp';
import type { ConnectionOptions } from '@faf-replay/adapter-tcp';
import {
  DurableStatsSink,
  ScfaHeaderMetadataSource,
  admitEveryGame,
  createReplayService,
} from '@faf-replay/core';
import type { Clock, Logger, ReplayService } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import { ConnectionTracker } from '../connection-tracker.js';
import { OpsServer } from '../http/ops-server.js';
import { PrometheusEvents } from '../metrics/prometheus-events.js';
import { ReplayServer } from '../replay-server.js';
import { replaySettingsFrom } from './replay-settings-from.js';
import { tokens } from './tokens.js';

const s = (seconds: number): number => Math.round(seconds * 1_000);

/**
 * The one composition root: every part of the process, built from the config. Plain classes,
 * constructed by factory bindings; nothing else sees the container.
 */
export function createContainer(config: Config, logger: Logger, clock: Clock): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  const bind: Bind = (token, build) => {
    container.bind(token).toDynamicValue((context) => build((id, options) => context.get(id, options)));
  };
  container.bind(tokens.config).toConstantValue(config);
  container.bind(tokens.logger).toConstantValue(logger);
  container.bind(tokens.clock).toConstantValue(clock);
  container.bind(tokens.events).toConstantValue(new PrometheusEvents());
  bindStorage(bind, config);
  if (config.mode === 'faf') bindFafDatabase(bind, config, logger, clock);
  else bindStandalone(bind, config);
  bindCore(bind, config);
  bindListeners(bind, config);
  return container;
}

/** What the mode adds to the server's start and stop. */
interface Resources {
  readonly start: () => void;
  readonly close: () => Promise<void>;
}

interface ListenerFaults {
  readonly onError: (error: Error, context: string) => void;
}

interface Listeners {
  readonly tcp: TcpListener | undefined;
  readonly webSocket: WebSocketListener | undefined;
}

type Bind = (token: symbol, build: (get: ResolutionContext['get']) => unknown) => void;

function bindStorage(bind: Bind, config: Config): void {
  bind(
    tokens.archive,
    () =>
      new VaultArchive({
        vaultRoot: config.storage.vault_path,
        compressionLevel: config.storage.compression_level,
        maxConcurrentSaves: config.storage.max_concurrent_saves,
      }),
  );
  bind(tokens.spool, () => new FileReplaySpool({ spoolDir: config.storage.spool_path }));
  bind(tokens.fallbackMetadata, () => new ScfaHeaderMetadataSource());
}

function bindStandalone(bind: Bind, config: Config): void {
  bind(tokens.metadata, (get) => get(tokens.fallbackMetadata));
  bind(tokens.stats, () => new LocalStatsIndex({ vaultRoot: config.storage.vault_path }));
  bind(tokens.admission, () => admitEveryGame);
  bind(tokens.resources, (get) => {
    const index = get<LocalStatsIndex>(tokens.stats);
    return { start: () => undefined, close: () => index.close() };
  });
}

function bindFafDatabase(bind: Bind, config: Config, logger: Logger, clock: Clock): void {
  const { database } = config;
  const onWarning = (warning: FafWarning): void =>
    logger.warn({ replayId: String(warning.gameId), err: warning.cause }, warning.message);
  bind(
    tokens.database,
    () =>
      new FafDatabase({
        host: database.host,
        port: database.port,
        user: database.user,
        password: database.password,
        name: database.name,
        poolSize: database.pool_size,
        queryTimeoutMs: s(database.query_timeout_s),
      }),
  );
  const db = (get: ResolutionContext['get']): FafDatabase => get<FafDatabase>(tokens.database);
  bind(tokens.metadata, (get) => new FafMetadataSource(db(get), { onWarning }));
  bind(
    tokens.stats,
    (get) =>
      new DurableStatsSink({
        target: new FafStatsSink(db(get)),
        journal: new FilePendingStatsJournal({ dir: join(config.storage.spool_path, 'pending-stats') }),
        clock,
        logger,
        retryMs: s(database.retry_interval_s),
      }),
  );
  bind(tokens.resources, (get) => {
    const stats = get<DurableStatsSink>(tokens.stats);
    return {
      start: () => void stats.resume(),
      close: async () => {
        await stats.close();
        await db(get).close();
      },
    };
  });
  bind(tokens.admission, (get) =>
    config.replay.require_known_game
      ? new FafGameAdmission(db(get), {
          maxAgeAfterEndMs: s(config.replay.known_game_max_age_after_end_s),
          clock,
          onWarning,
        })
      : admitEveryGame,
  );
}

function bindCore(bind: Bind, config: Config): void {
  const replay = replaySettingsFrom(config);
  bind(tokens.service, (get) =>
    createReplayService(
      {
        clock: get(tokens.clock),
        logger: get(tokens.logger),
        events: get(tokens.events),
        archive: get(tokens.archive),
        spool: get(tokens.spool),
        metadata: get(tokens.metadata),
        stats: get(tokens.stats),
        admission: get(tokens.admission),
      },
      {
        replay,
        headerTimeoutMs: s(config.server.connection_accept_timeout_s),
        rememberedEndedReplays: 100_000,
        spoolRetryMs: 60_000,
      },
    ),
  );
  bind(tokens.tracker, (get) => {
    const service = get<ReplayService>(tokens.service);
    return new ConnectionTracker((connection) => service.handleConnection(connection), get(tokens.logger));
  });
}

function bindListeners(bind: Bind, config: Config): void {
  const { server } = config;
  const connectionOptions = (get: ResolutionContext['get']): ConnectionOptions & ListenerFaults => {
    const logger = get<Logger>(tokens.logger);
    return {
      lingerMs: s(server.linger_s),
      slowReaderTimeoutMs: s(server.slow_reader_timeout_s),
      onError: (error, context) =>
        context === 'handshake'
          ? logger.info({ err: error }, `WebSocket handshake failed: ${error.message}`)
          : logger.error({ err: error, context }, `Listener fault (${context}): ${error.message}`),
    };
  };
  const accept = (get: ResolutionContext['get']) => {
    const tracker = get<ConnectionTracker>(tokens.tracker);
    return (connection: Parameters<ConnectionTracker['accept']>[0]) => tracker.accept(connection);
  };
  const listeners = (get: ResolutionContext['get']): Listeners => ({
    tcp:
      server.port === null
        ? undefined
        : new TcpListener({ ...connectionOptions(get), host: server.host, port: server.port }, accept(get)),
    webSocket:
      server.websocket_port === null
        ? undefined
        : new WebSocketListener(
            {
              ...connectionOptions(get),
              host: server.host,
              port: server.websocket_port,
              handshakeTimeoutMs: s(server.websocket_handshake_timeout_s),
            },
            accept(get),
          ),
  });
  bind(tokens.replayServer, (get) => {
    const resources = get<Resources>(tokens.resources);
    const ops =
      server.prometheus_port === null
        ? undefined
        : new OpsServer({
            host: server.host,
            port: server.prometheus_port,
            registry: get<PrometheusEvents>(tokens.events).registry,
            isReady: () => replayServer.ready,
          });
    const replayServer: ReplayServer = new ReplayServer({
      logger: get(tokens.logger),
      service: get(tokens.service),
      tracker: get(tokens.tracker),
      ...listeners(get),
      ops,
      shutdownTimeoutMs: s(server.shutdown_timeout_s),
      startResources: () => {
        resources.start();
        void warnOfUnreadableSpoolFiles(get(tokens.spool), get(tokens.logger));
      },
      closeResources: resources.close,
      describe: { mode: config.mode, vault: config.storage.vault_path, delayS: config.replay.delay_s },
    });
    return replayServer;
  });
}

/** Spool files that do not decode stay on disk: the operator is told at every start. */
async function warnOfUnreadableSpoolFiles(spool: FileReplaySpool, logger: Logger): Promise<void> {
  try {
    for (const file of (await spool.scan()).unreadable) {
      logger.error({ path: file.path, err: file.error }, `Unreadable spool file ${file.path}: left in place`);
    }
  } catch (error) {
    logger.error({ err: error }, 'Could not read the spool');
  }
}
