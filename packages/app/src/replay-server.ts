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

/** How a shutdown went: what it could not save is what the exit code reports. */
export interface ShutdownReport {
  /** Every replay ended (saved, spooled or empty) and every step finished in time. */
  readonly complete: boolean;
  /** Replays whose data is neither in the vault nor in the spool: lost when the process exits. */
  readonly unsavedReplays: number;
}

type Listener = Pick<TcpListener | WebSocketListener, 'listen' | 'close'>;

export interface ReplayServerDeps {
  readonly logger: Logger;
  readonly service: Pick<ReplayService, 'start' | 'shutdown' | 'directory'>;
  readonly tracker: Pick<ConnectionTracker, 'destroyAll'>;
  readonly tcp: Listener | undefined;
  readonly webSocket: Listener | undefined;
  readonly ops: Pick<OpsServer, 'listen' | 'close'> | undefined;
  readonly shutdownTimeoutMs: number;
  /** After the cut at the shutdown timeout, how long replays get to finish saving (`server.shutdown_cut_grace_s`). */
  readonly cutGraceMs?: number;
  /**
   * Replays that the saver holds and has neither archived nor spooled. Without it, the replays
   * still live when the shutdown gives up are counted.
   */
  readonly unsavedReplays?: () => number;
  /** Starts what the mode adds (resuming pending database updates). */
  readonly startResources: () => void;
  /** Closes what the server owns beyond its listeners (the database pool, the stats index). */
  readonly closeResources: () => Promise<void>;
  readonly describe: Record<string, unknown>;
}

const defaultCutGraceMs = 5_000;
/** The least time a closing step gets, even when the cut grace is used up. */
const minimumStepMs = 1_000;

/** Resolves true when `work` settles within `ms` (a rejection counts as settled: the caller logs it). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const deadline = new AbortController();
  const expired = delay(ms, false, { signal: deadline.signal }).catch(() => false);
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, expired]);
  deadline.abort();
  return result;
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

  get #cutGraceMs(): number {
    return this.#deps.cutGraceMs ?? defaultCutGraceMs;
  }

  /**
   * Opens the ops port, starts the mode's resources and the spool recovery, then the listeners.
   * When a step fails (a port taken), what the earlier steps started is stopped again, in
   * reverse order, before the error is rethrown: a failed start leaves nothing running.
   */
  async start(): Promise<ServerAddresses> {
    const { tcp, webSocket, ops, logger } = this.#deps;
    const started: { readonly what: string; readonly undo: () => Promise<unknown> }[] = [];
    try {
      const metricsPort = await ops?.listen();
      if (ops !== undefined) started.push({ what: 'the ops port', undo: () => ops.close() });
      this.#deps.startResources();
      started.push({ what: 'the resources', undo: () => this.#deps.closeResources() });
      const { recoveredGames } = await this.#deps.service.start();
      started.push({ what: 'the replay service', undo: () => this.#deps.service.shutdown() });
      if (recoveredGames > 0) {
        logger.info(
          { recoveredGames },
          `Recovered ${recoveredGames} live game(s) left by the previous process`,
        );
      }
      const tcpAddress = await tcp?.listen();
      if (tcp !== undefined) started.push({ what: 'the TCP listener', undo: () => tcp.close() });
      const websocket = await webSocket?.listen();
      const addresses: ServerAddresses = { tcp: tcpAddress, websocket, metricsPort };
      this.#ready = true;
      logger.info(
        { tcpPort: tcpAddress?.port, websocketPort: websocket?.port, metricsPort, ...this.#deps.describe },
        'faf-replay-server listening',
      );
      return addresses;
    } catch (error) {
      for (const { what, undo } of started.reverse())
        await this.#boundedStep(`Stopping ${what}`, undo, this.#cutGraceMs);
      throw error;
    }
  }

  /**
   * Stops accepting, ends every live replay the way the earlier servers do (each saves what it
   * has; what cannot be saved goes to the spool), closes readers gracefully, and returns within
   * the shutdown timeout plus the cut grace (connections still open at the timeout are cut).
   * "Shutdown complete" is logged only once the last replay has ended.
   */
  async stop(): Promise<ShutdownReport> {
    const { tcp, webSocket, ops, service, tracker, logger } = this.#deps;
    const { directory } = service;
    this.#ready = false;
    logger.info(
      { liveReplays: directory.liveGames },
      'Shutting down: no new connections; saving live replays',
    );
    await Promise.all([tcp?.close(), webSocket?.close()]);
    const replaysEnded = service.shutdown();
    let ended = await settlesWithin(replaysEnded, this.#deps.shutdownTimeoutMs);
    let closingBoundMs = this.#cutGraceMs;
    if (!ended) {
      logger.error({ liveReplays: directory.liveGames }, 'Shutdown timeout: cutting remaining connections');
      tracker.destroyAll();
      const cutAtMs = Date.now();
      ended = await settlesWithin(replaysEnded, this.#cutGraceMs);
      // One bound for everything after the cut: the closing steps get what the replays left of it.
      closingBoundMs = Math.max(minimumStepMs, this.#cutGraceMs - (Date.now() - cutAtMs));
    }
    const closed = await this.#boundedStep(
      'Closing the resources',
      () => this.#deps.closeResources(),
      closingBoundMs,
    );
    const opsClosed = await this.#boundedStep(
      'Closing the ops port',
      () => ops?.close() ?? Promise.resolve(),
      minimumStepMs,
    );
    const stepsDone = closed && opsClosed;
    return this.#report(ended, stepsDone);
  }

  #report(ended: boolean, stepsDone: boolean): ShutdownReport {
    const { logger, service } = this.#deps;
    const { directory } = service;
    const liveReplays = directory.liveGames;
    const unsavedReplays = this.#deps.unsavedReplays?.() ?? (ended ? 0 : liveReplays);
    const complete = ended && stepsDone && unsavedReplays === 0;
    if (complete) logger.info({}, 'Shutdown complete');
    else if (unsavedReplays > 0) {
      logger.error(
        { unsavedReplays, liveReplays },
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
