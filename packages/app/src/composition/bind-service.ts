import { BlockPool, createReplayService } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import { ConnectionTracker } from '../connection-tracker.js';
import type { Composition } from './composition.js';
import { ms } from './milliseconds.js';
import { replaySettingsFrom } from './replay-settings-from.js';
import { tokens } from './tokens.js';

/**
 * Set to 1 (tests, debugging), the merge's freed blocks are overwritten, so that any holder that
 * reads one after letting it go sends or saves visibly corrupt bytes.
 */
export const POISON_ENV = 'FAF_REPLAY_POISON_FREED_BLOCKS';

/** The core, through its façade, and the tracker of every connection it serves. */
export function bindService(composition: Composition, config: Config): void {
  bindBlockPool(composition);
  composition.bind(tokens.service, (resolve) => {
    const mode = resolve(tokens.mode);
    const logStore = resolve(tokens.logStore);
    return createReplayService(
      {
        clock: resolve(tokens.clock),
        logger: resolve(tokens.logger),
        events: resolve(tokens.events),
        archive: resolve(tokens.archive),
        spool: resolve(tokens.spool),
        stats: mode.stats,
        admission: mode.admission,
        ...(mode.metadata === undefined ? {} : { metadata: mode.metadata }),
        ...(logStore === undefined ? {} : { logStore }),
        blockPool: resolve(tokens.blockPool),
      },
      {
        replay: replaySettingsFrom(config),
        headerTimeoutMs: ms(config.server.connection_accept_timeout_s),
        rememberedEndedReplays: config.replay.remembered_ended_replays,
        spoolRetryMs: ms(config.storage.spool_retry_interval_s),
        ...(logStore === undefined || config.storage.adopt_interval_s === 0
          ? {}
          : { adoptIntervalMs: ms(config.storage.adopt_interval_s) }),
      },
    );
  });
  composition.bind(tokens.tracker, (resolve) => {
    const service = resolve(tokens.service);
    return new ConnectionTracker(
      (connection) => service.handleConnection(connection),
      resolve(tokens.logger),
    );
  });
}

/** The merges' block pool, one per process, read by the metrics. */
function bindBlockPool(composition: Composition): void {
  composition.bind(tokens.blockPool, (resolve) => {
    const pool = new BlockPool({ poison: process.env[POISON_ENV] === '1' });
    resolve(tokens.events).readBlockPoolFrom(pool);
    return pool;
  });
}
