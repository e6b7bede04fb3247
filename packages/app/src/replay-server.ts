import { setTimeout as delay } from 'node:timers/promises';
import type { ListeningAddress, TcpListener, WebSocketListener } from '@faf-replay/adapter-tcp';
import type { Logger, ReplayService } from '@faf-replay/core';
import type { ConnectionTracker } from './connection-tracker.js';
import type { OpsServer } from './http/ops-server.js';

export interface ServerAddresses {
  readonly tcp: ListeningAddress | undefined;
  readonly websocket: ListeningAddress | undefined;
  readonly metricsPort: number | undefined;
}

export interface ReplayServerDeps {
  readonly logger: Logger;
  readonly service: ReplayService;
  readonly tracker: ConnectionTracker;
  readonly tcp: TcpListener | undefined;
  readonly webSocket: WebSocketListener | undefined;
  readonly ops: OpsServer | undefined;
  readonly shutdownTimeoutMs: number;
  /** Starts what the mode adds (resuming pending database updates). */
  readonly startResources: () => void;
  /** Closes what the server owns beyond its listeners (the database pool, the stats index). */
  readonly closeResources: () => Promise<void>;
  readonly describe: Record<string, unknown>;
}

/** After connections are cut at the shutdown deadline, how long replays get to finish saving. */
const cutGraceMs = 5_000;

async function settlesWithin(work: Promise<void>, ms: number): Promise<boolean> {
  const deadline = new AbortController();
  const expired = delay(ms, false, { signal: deadline.signal }).catch(() => false);
  const settled = await Promise.race([work.then(() => true), expired]);
  deadline.abort();
  return settled;
}

/** The running process's parts, started and stopped in the right order. */
export class ReplayServer {
  readonly #deps: ReplayServerDeps;
  #ready = false;

  constructor(deps: ReplayServerDeps) {
    this.#deps = deps;
  }

  /** Whether new connections are taken (for `/readyz`). */
  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<ServerAddresses> {
    const { tcp, webSocket, ops, logger } = this.#deps;
    const metricsPort = await ops?.listen();
    this.#deps.startResources();
    const { recoveredGames } = await this.#deps.service.start();
    if (recoveredGames > 0)
      logger.info(
        { recoveredGames },
        `Recovered ${recoveredGames} live game(s) left by the previous process`,
      );
    const addresses: ServerAddresses = {
      tcp: await tcp?.listen(),
      websocket: await webSocket?.listen(),
      metricsPort,
    };
    this.#ready = true;
    logger.info(
      {
        tcpPort: addresses.tcp?.port,
        websocketPort: addresses.websocket?.port,
        metricsPort,
        ...this.#deps.describe,
      },
      'faf-replay-server listening',
    );
    return addresses;
  }

  /**
   * Stops accepting, ends every live replay the way the earlier servers do (each saves what it
   * has; what cannot be saved goes to the spool), closes readers gracefully, and returns within
   * the shutdown timeout (connections still open then are cut).
   */
  async stop(): Promise<void> {
    const { tcp, webSocket, ops, service, tracker, logger } = this.#deps;
    const { directory } = service;
    this.#ready = false;
    logger.info(
      { liveReplays: directory.liveGames },
      'Shutting down: no new connections; saving live replays',
    );
    await Promise.all([tcp?.close(), webSocket?.close()]);
    const replaysEnded = service.shutdown();
    if (!(await settlesWithin(replaysEnded, this.#deps.shutdownTimeoutMs))) {
      logger.error({ liveReplays: directory.liveGames }, 'Shutdown timeout: cutting remaining connections');
    }
    tracker.destroyAll();
    if (!(await settlesWithin(replaysEnded, cutGraceMs))) {
      logger.error(
        { liveReplays: directory.liveGames },
        'Replays still saving after the shutdown timeout; exiting',
      );
    }
    await this.#deps.closeResources();
    await ops?.close();
    logger.info({}, 'Shutdown complete');
  }
}
