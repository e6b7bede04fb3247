import type { ListeningAddress } from '@faf-replay/adapter-tcp';
import type { Logger, ReplayService } from '@faf-replay/core';
import type { ConnectionTracker } from './connection-tracker.js';
import type { OpsServer } from './http/ops-server.js';
import { settlesWithin } from './settles-within.js';

/** One port the server serves on: the replay ports, and the HTTP API. */
export interface NamedListener {
  readonly name: 'tcp' | 'websocket' | 'http';
  readonly listener: {
    listen(): Promise<ListeningAddress>;
    close(): Promise<void>;
  };
}

export interface ServerAddresses {
  readonly tcp: ListeningAddress | undefined;
  readonly websocket: ListeningAddress | undefined;
  readonly http: ListeningAddress | undefined;
  readonly metricsPort: number | undefined;
}

/** How a shutdown went: what it could not save is what the exit code reports. */
export interface ShutdownReport {
  /** Every replay ended (saved, spooled or empty) and every step finished in time. */
  readonly complete: boolean;
  /** Replays whose data is neither in the vault nor in the spool: lost when the process exits. */
  readonly unsavedReplays: number;
}

export interface ReplayServerDeps {
  readonly logger: Logger;
  readonly service: Pick<
    ReplayService,
    'start' | 'shutdown' | 'directory' | 'unsavedSettled' | 'giveUpUnsaved'
  >;
  readonly tracker: Pick<ConnectionTracker, 'destroyAll'>;
  /** Started together in order, stopped together. */
  readonly listeners: readonly NamedListener[];
  readonly ops: Pick<OpsServer, 'listen' | 'close'> | undefined;
  readonly shutdownTimeoutMs: number;
  /** After the cut at the shutdown timeout, how long replays get to finish saving (`server.shutdown_cut_grace_s`). */
  readonly cutGraceMs: number;
  /** Starts what the mode adds (the database check, resuming pending updates). */
  readonly startResources: () => Promise<void>;
  /** Closes what the server owns beyond its listeners (the database pool, the stats index). */
  readonly closeResources: () => Promise<void>;
  readonly describe: Record<string, unknown>;
}

/** The least time a closing step gets, even when the cut grace is used up. */
const minimumStepMs = 1_000;

type Step = { readonly what: string; readonly undo: () => Promise<unknown> };

/** The running process's parts, started and stopped in the right order. */
export class ReplayServer {
  readonly #deps: ReplayServerDeps;
  #ready = false;
  #draining = false;

  constructor(deps: ReplayServerDeps) {
    this.#deps = deps;
  }

  /** Whether new games are taken (for `/readyz`): not while starting, draining or stopping. */
  get ready(): boolean {
    return this.#ready && !this.#draining;
  }

  /**
   * Opens the ops port, starts the mode's resources, the replay service (which recovers the games
   * a previous process left) and, while it recovers, the listeners: a writer that connects
   * meanwhile is not refused, it waits for the recovery (and continues its game if it was one of
   * those). Ready once recovered. When a step fails (a port taken), what the earlier steps started
   * is stopped again, in reverse order, before the error is rethrown.
   */
  async start(): Promise<ServerAddresses> {
    const { ops, logger, service } = this.#deps;
    const started: Step[] = [];
    try {
      const metricsPort = await ops?.listen();
      if (ops !== undefined) started.push({ what: 'the ops port', undo: () => ops.close() });
      await this.#deps.startResources();
      started.push({ what: 'the resources', undo: () => this.#deps.closeResources() });
      const recovering = service.start();
      started.push({ what: 'the replay service', undo: () => service.shutdown() });
      const addresses = await this.#listen(started, metricsPort);
      const { recoveredGames } = await recovering;
      if (recoveredGames > 0) {
        logger.info(
          { recoveredGames },
          `Recovered ${recoveredGames} live game(s) left by the previous process`,
        );
      }
      this.#ready = true;
      logger.info(
        {
          tcpPort: addresses.tcp?.port,
          websocketPort: addresses.websocket?.port,
          httpPort: addresses.http?.port,
          metricsPort,
          ...this.#deps.describe,
        },
        'faf-replay-server listening',
      );
      return addresses;
    } catch (error) {
      for (const { what, undo } of started.reverse())
        await this.#boundedStep(`Stopping ${what}`, undo, minimumStepMs);
      throw error;
    }
  }

  async #listen(started: Step[], metricsPort: number | undefined): Promise<ServerAddresses> {
    const byName = new Map<NamedListener['name'], ListeningAddress>();
    for (const { name, listener } of this.#deps.listeners) {
      byName.set(name, await listener.listen());
      started.push({ what: `the ${name} listener`, undo: () => listener.close() });
    }
    return {
      tcp: byName.get('tcp'),
      websocket: byName.get('websocket'),
      http: byName.get('http'),
      metricsPort,
    };
  }

  /**
   * Drain, for restarts that cut no game: `/readyz` fails and new games are refused (a writer for
   * an unknown game is closed, so that a load balancer sends it to a node that is not draining),
   * while live games go on with their late writers and readers. Resolves once no game is live,
   * or when `timeoutMs` passes (undefined: no bound). Idempotent.
   */
  async drain(timeoutMs: number | undefined): Promise<boolean> {
    const { directory } = this.#deps.service;
    if (!this.#draining) {
      this.#draining = true;
      this.#deps.logger.info(
        { liveReplays: directory.liveGames, timeoutMs },
        'Draining: new games are refused; live games go on until they end',
      );
      directory.stopAccepting();
    }
    const idle = directory.idle();
    return timeoutMs === undefined ? idle.then(() => true) : settlesWithin(idle, timeoutMs);
  }

  /**
   * Stops accepting, ends every live replay the way the earlier servers do (each saves what it
   * has; what cannot be saved goes to the spool), closes readers at once, and returns within
   * the shutdown timeout plus the cut grace (connections still open at the timeout are cut).
   * "Shutdown complete" is logged only once the last replay has ended and was stored.
   */
  async stop(): Promise<ShutdownReport> {
    const { ops, service, tracker, logger, listeners } = this.#deps;
    const { directory } = service;
    this.#ready = false;
    logger.info(
      { liveReplays: directory.liveGames },
      'Shutting down: no new connections; saving live replays',
    );
    await Promise.all(listeners.map(({ listener }) => listener.close()));
    const startedAtMs = Date.now();
    const replaysEnded = service.shutdown();
    let ended = await settlesWithin(replaysEnded, this.#deps.shutdownTimeoutMs);
    if (!ended) {
      logger.error({ liveReplays: directory.liveGames }, 'Shutdown timeout: cutting remaining connections');
      tracker.destroyAll();
      ended = await settlesWithin(replaysEnded, this.#deps.cutGraceMs);
    }
    const leftMs = this.#deps.shutdownTimeoutMs + this.#deps.cutGraceMs - (Date.now() - startedAtMs);
    await settlesWithin(service.unsavedSettled(), Math.max(0, leftMs));
    const unsaved = service.giveUpUnsaved();
    const closed = await this.#boundedStep(
      'Closing the resources',
      () => this.#deps.closeResources(),
      Math.max(minimumStepMs, leftMs),
    );
    const opsClosed = await this.#boundedStep(
      'Closing the ops port',
      () => ops?.close() ?? Promise.resolve(),
      minimumStepMs,
    );
    return this.#report(ended, closed && opsClosed, unsaved);
  }

  #report(ended: boolean, stepsDone: boolean, unsaved: readonly bigint[]): ShutdownReport {
    const { logger, service } = this.#deps;
    const liveReplays = service.directory.liveGames;
    const unsavedReplays = unsaved.length + (ended ? 0 : liveReplays);
    const complete = ended && stepsDone && unsavedReplays === 0;
    if (complete) logger.info({}, 'Shutdown complete');
    else if (unsavedReplays > 0) {
      logger.error(
        { unsavedReplays, liveReplays, lost: unsaved.map(String) },
        `Shutdown incomplete: ${unsavedReplays} replay(s) neither saved nor spooled; exiting`,
      );
    } else {
      logger.error({ liveReplays }, 'Shutdown incomplete: some steps did not finish in time; exiting');
    }
    return { complete, unsavedReplays };
  }

  /** Runs one step of a start rollback or a shutdown within `boundMs`; a failure is logged, never thrown. */
  async #boundedStep(what: string, step: () => Promise<unknown>, boundMs: number): Promise<boolean> {
    const work = Promise.resolve().then(step);
    work.catch((error: unknown) => this.#deps.logger.error({ err: error }, `${what} failed`));
    const done = await settlesWithin(work, boundMs);
    if (!done) this.#deps.logger.error({ timeoutMs: boundMs }, `${what} did not finish in time`);
    return (
      done &&
      (await work.then(
        () => true,
        () => false,
      ))
    );
  }
}
