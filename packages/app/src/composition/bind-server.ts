import type { Config } from '../config/config-schema.js';
import { OpsServer } from '../http/ops-server.js';
import { ReplayServer } from '../replay-server.js';
import type { Composition, Resolve } from './composition.js';
import { ms } from './milliseconds.js';
import { tokens } from './tokens.js';

/** The ops port and the server that starts and stops everything in order. */
export function bindServer(composition: Composition, config: Config, requestDrain?: () => void): void {
  const { server } = config;
  composition.bind(tokens.ops, (resolve) =>
    server.prometheus_port === null
      ? undefined
      : new OpsServer({
          host: server.host,
          port: server.prometheus_port,
          registry: resolve(tokens.events).registry,
          isReady: () => resolve(tokens.replayServer).ready,
          ...(requestDrain === undefined ? {} : { requestDrain }),
        }),
  );
  composition.bind(tokens.replayServer, (resolve) => replayServer(config, resolve));
}

function replayServer(config: Config, resolve: Resolve): ReplayServer {
  const { server } = config;
  const mode = resolve(tokens.mode);
  const logger = resolve(tokens.logger);
  const spool = resolve(tokens.spool);
  return new ReplayServer({
    logger,
    service: resolve(tokens.service),
    tracker: resolve(tokens.tracker),
    listeners: resolve(tokens.listeners),
    ops: resolve(tokens.ops),
    shutdownTimeoutMs: ms(server.shutdown_timeout_s),
    cutGraceMs: ms(server.shutdown_cut_grace_s),
    startResources: async () => {
      await mode.start();
      void warnOfUnreadableSpoolFiles(spool, logger);
    },
    closeResources: async () => {
      await mode.close();
      await resolve(tokens.logStore)?.close();
    },
    describe: {
      mode: config.mode,
      vault: config.storage.vault_path,
      live: config.storage.live_path,
      liveOwner: resolve(tokens.logStore)?.ownerId,
      delayS: config.replay.delay_s,
    },
  });
}

/** Spool files that do not decode stay on disk: the operator is told at every start. */
async function warnOfUnreadableSpoolFiles(
  spool: {
    scan(): Promise<{ readonly unreadable: readonly { readonly path: string; readonly error: unknown }[] }>;
  },
  logger: { error(fields: object, message: string): void },
): Promise<void> {
  try {
    for (const file of (await spool.scan()).unreadable) {
      logger.error({ path: file.path, err: file.error }, `Unreadable spool file ${file.path}: left in place`);
    }
  } catch (error) {
    logger.error({ err: error }, 'Could not read the spool');
  }
}
