import { join } from 'node:path';
import { FilePendingStatsJournal } from '@faf-replay/adapter-fs';
import { FafDatabase, FafGameAdmission, FafMetadataSource, FafStatsSink } from '@faf-replay/adapter-mysql';
import type { FafWarning } from '@faf-replay/adapter-mysql';
import { DurableStatsSink, admitEveryGame } from '@faf-replay/core';
import type { Clock, GameAdmission, Logger } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import type { DatabaseOperation, PrometheusEvents } from '../metrics/prometheus-events.js';
import type { Composition } from './composition.js';
import { ms } from './milliseconds.js';
import type { ModeParts } from './mode-parts.js';
import { tokens } from './tokens.js';

/** FAF mode: metadata from the FAF database, stats into `game_stats` through an on-disk queue. */
export function bindFafMode(composition: Composition, config: Config): void {
  composition.bind(tokens.mode, (resolve) =>
    fafModeParts(config, resolve(tokens.logger), resolve(tokens.clock), resolve(tokens.events)),
  );
}

function fafModeParts(config: Config, logger: Logger, clock: Clock, events: PrometheusEvents): ModeParts {
  const db = fafDatabase(config.database);
  const warn = (operation: DatabaseOperation) => (warning: FafWarning) => {
    events.databaseError(operation);
    logger.warn({ replayId: String(warning.gameId), err: warning.cause }, warning.message);
  };
  const stats = durableStats(db, config, clock, logger, events);
  events.readPendingStatsUpdatesFrom(() => stats.pendingUpdates);
  return {
    metadata: new FafMetadataSource(db, { onWarning: warn('metadata') }),
    stats,
    admission: gameAdmission(db, config.replay, clock, warn('admission')),
    start: async () => {
      await checkDatabase(db, config, logger, events);
      void stats.resume();
    },
    close: async () => {
      await stats.close();
      await db.close();
    },
  };
}

function fafDatabase(database: Config['database']): FafDatabase {
  return new FafDatabase({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    name: database.name,
    poolSize: database.pool_size,
    queryTimeoutMs: ms(database.query_timeout_s),
  });
}

/** `game_stats` updates queued on disk until the database takes them. */
function durableStats(
  db: FafDatabase,
  config: Config,
  clock: Clock,
  logger: Logger,
  events: PrometheusEvents,
): DurableStatsSink {
  return new DurableStatsSink({
    target: new FafStatsSink(db),
    journal: new FilePendingStatsJournal({
      dir: join(config.storage.spool_path, 'pending-stats'),
      ioTimeoutMs: ms(config.storage.io_timeout_s),
    }),
    clock,
    logger,
    retryMs: ms(config.database.retry_interval_s),
    onTargetError: () => {
      events.databaseError('stats');
      events.databaseReachable(false);
    },
  });
}

/** Games and players checked against the database when the config asks; otherwise every game is let in. */
function gameAdmission(
  db: FafDatabase,
  replay: Config['replay'],
  clock: Clock,
  onWarning: (warning: FafWarning) => void,
): GameAdmission {
  if (!replay.require_known_game && !replay.require_known_player) return admitEveryGame;
  return new FafGameAdmission(db, {
    requireKnownGame: replay.require_known_game,
    requireKnownPlayer: replay.require_known_player,
    maxAgeAfterEndMs: ms(replay.known_game_max_age_after_end_s),
    clock,
    onWarning,
  });
}

/** Finds a wrong password or host at start, not when the first game ends; serving goes on either way. */
async function checkDatabase(
  db: FafDatabase,
  config: Config,
  logger: Logger,
  events: PrometheusEvents,
): Promise<void> {
  const where = { host: config.database.host, port: config.database.port, database: config.database.name };
  const check = await db.check();
  events.databaseReachable(check.reachable);
  if (check.reachable) {
    logger.info(where, `Database ${config.database.name} at ${config.database.host} is reachable`);
    return;
  }
  events.databaseError('check');
  logger.error(
    { ...where, err: check.error },
    `Database ${config.database.name} at ${config.database.host} is NOT reachable: ${check.error.message}; ` +
      'serving anyway (replays are saved; game_stats updates wait on disk)',
  );
}
