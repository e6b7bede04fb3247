import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { Clock } from '@faf-replay/core';
import { createContainer } from './composition/create-container.js';
import { tokens } from './composition/tokens.js';
import type { Config } from './config/config-schema.js';
import { createLogger } from './logging/create-logger.js';
import type { ReplayServer, ServerAddresses, ShutdownReport } from './replay-server.js';
import { systemClock } from './system-clock.js';

export interface RunningServer {
  readonly addresses: ServerAddresses;
  /** The running server, for drains. */
  readonly server: ReplayServer;
  /** Graceful shutdown (what SIGTERM does). */
  stop(): Promise<ShutdownReport>;
}

export interface StartOptions {
  /** The process's logger; by default one is made from `config.log`. */
  readonly logger?: PinoLogger;
  /** Where log lines go when the logger is made here (default: stderr). */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
  /** What `POST /drain` on the ops port does; without it the endpoint answers 404. */
  readonly requestDrain?: () => void;
}

/**
 * Builds the process's parts from the config and starts listening. A failed start has already
 * stopped whatever it started when this rejects.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log, options.logDestination);
  const container = createContainer(config, logger, options.clock ?? systemClock, options.requestDrain);
  const server = container.get(tokens.replayServer);
  const addresses = await server.start();
  return { addresses, server, stop: () => server.stop() };
}

/**
 * The exit code of a server process that shut down: non-zero when a replay is lost (neither
 * saved nor spooled at exit). A replay that failed for a while and was stored on a retry is not.
 */
export function exitCodeAfter(report: ShutdownReport): number {
  return report.unsavedReplays > 0 ? 1 : 0;
}
