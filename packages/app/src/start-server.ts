import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { Clock } from '@faf-replay/core';
import { createContainer } from './composition/create-container.js';
import { tokens } from './composition/tokens.js';
import type { Config } from './config/config-schema.js';
import { createLogger } from './logging/create-logger.js';
import type { PrometheusEvents } from './metrics/prometheus-events.js';
import type { ReplayServer, ServerAddresses, ShutdownReport } from './replay-server.js';
import { systemClock } from './system-clock.js';

/** How a shutdown went, with the replays reported lost while the process ran. */
export interface StopReport extends ShutdownReport {
  /** "Replay N LOST" events: neither the vault nor the spool took a replay. */
  readonly replaysLost: number;
}

export interface RunningServer {
  readonly addresses: ServerAddresses;
  /** Graceful shutdown (what SIGTERM does). */
  stop(): Promise<StopReport>;
}

export interface StartOptions {
  /** The process's logger; by default one is made from `config.log`. */
  readonly logger?: PinoLogger;
  /** Where log lines go when the logger is made here (default: stderr). */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
}

/**
 * Builds the process's parts from the config and starts listening. A failed start has already
 * stopped whatever it started when this rejects.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log, options.logDestination);
  const container = createContainer(config, logger, options.clock ?? systemClock);
  const server = container.get<ReplayServer>(tokens.replayServer);
  const events = container.get<PrometheusEvents>(tokens.events);
  const addresses = await server.start();
  return {
    addresses,
    stop: async () => ({ ...(await server.stop()), replaysLost: events.replaysLost }),
  };
}

/** The exit code of a server process that shut down: non-zero when a replay was lost. */
export function exitCodeAfter(report: StopReport): number {
  return report.unsavedReplays > 0 || report.replaysLost > 0 ? 1 : 0;
}
