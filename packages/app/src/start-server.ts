import type { DestinationStream } from 'pino';
import type { Clock } from '@faf-replay/core';
import { createContainer } from './composition/create-container.js';
import { tokens } from './composition/tokens.js';
import type { Config } from './config/config-schema.js';
import { createLogger } from './logging/create-logger.js';
import type { ReplayServer, ServerAddresses } from './replay-server.js';
import { systemClock } from './system-clock.js';

export interface RunningServer {
  readonly addresses: ServerAddresses;
  /** Graceful shutdown (what SIGTERM does). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go (default: stderr). */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
}

/** Builds the process's parts from the config and starts listening. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.log, options.logDestination);
  const container = createContainer(config, logger, options.clock ?? systemClock);
  const server = container.get<ReplayServer>(tokens.replayServer);
  const addresses = await server.start();
  return { addresses, stop: () => server.stop() };
}
