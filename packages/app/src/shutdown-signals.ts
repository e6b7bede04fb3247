import type { Logger } from '@faf-replay/core';

/** Why the server shuts down. */
export type ShutdownCause = 'SIGTERM' | 'SIGINT' | 'uncaught exception';

/** The part of `process` that delivers signals and escaped exceptions. */
export interface SignalSource {
  on(event: 'SIGTERM' | 'SIGINT' | 'SIGUSR2', listener: () => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'SIGTERM' | 'SIGINT' | 'SIGUSR2', listener: () => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

/**
 * The server process's SIGTERM, SIGINT and uncaught exceptions. Installed before anything
 * listens, so that no signal ever meets the default action (which would lose every live game).
 * The first one asks for a shutdown; every later one is logged and changes nothing, so that a
 * second Ctrl-C or an impatient orchestrator cannot interrupt the saves and the spool.
 */
export class ShutdownSignals {
  /** Resolves with the first cause. */
  readonly requested: Promise<ShutdownCause>;
  /** Resolves at the first SIGUSR2 (or `requestDrain()`): drain, then exit. */
  readonly drainRequested: Promise<void>;
  readonly #source: SignalSource;
  readonly #logger: Logger;
  readonly #onSigterm = (): void => this.#received('SIGTERM');
  readonly #onSigint = (): void => this.#received('SIGINT');
  readonly #onException = (error: Error): void => this.#exception(error);
  readonly #onSigusr2 = (): void => this.requestDrain('SIGUSR2');
  #resolveDrain: () => void = () => undefined;
  #drainAsked = false;
  #resolve: (cause: ShutdownCause) => void = () => undefined;
  #cause: ShutdownCause | undefined;
  #uncaughtExceptions = 0;

  constructor(source: SignalSource, logger: Logger) {
    this.#source = source;
    this.#logger = logger;
    this.requested = new Promise((resolve) => (this.#resolve = resolve));
    this.drainRequested = new Promise((resolve) => (this.#resolveDrain = resolve));
    source.on('SIGTERM', this.#onSigterm);
    source.on('SIGUSR2', this.#onSigusr2);
    source.on('SIGINT', this.#onSigint);
    source.on('uncaughtException', this.#onException);
  }

  /** A bug escaped: the process must exit non-zero, whatever else happens. */
  get sawUncaughtException(): boolean {
    return this.#uncaughtExceptions > 0;
  }

  uninstall(): void {
    this.#source.off('SIGTERM', this.#onSigterm);
    this.#source.off('SIGINT', this.#onSigint);
    this.#source.off('SIGUSR2', this.#onSigusr2);
    this.#source.off('uncaughtException', this.#onException);
  }

  /** A drain without a timeout: live games finish, no new ones start, then the process exits. */
  requestDrain(via: string): void {
    if (this.#drainAsked) return;
    this.#drainAsked = true;
    this.#logger.info({ via }, `Drain requested (${via})`);
    this.#resolveDrain();
  }

  #received(signal: 'SIGTERM' | 'SIGINT'): void {
    if (this.#cause === undefined) this.#logger.info({ signal }, `Received ${signal}: shutting down`);
    else {
      this.#logger.warn(
        { signal },
        `Received ${signal} during the shutdown: ignored; saving the live replays continues (SIGKILL would lose them)`,
      );
    }
    this.#request(signal);
  }

  #exception(error: Error): void {
    this.#uncaughtExceptions++;
    this.#logger.error({ err: error }, 'Uncaught exception (a bug): shutting down, saving the live replays');
    this.#request('uncaught exception');
  }

  #request(cause: ShutdownCause): void {
    if (this.#cause !== undefined) return;
    this.#cause = cause;
    this.#resolve(cause);
  }
}
