import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { FILE_MODE, isErrnoError } from '../durable-file.js';
import { withIoTimeout } from '../io-watchdog.js';
import { LiveLogError } from './live-log-error.js';

/** Where the heartbeats are, under the live path (a name no game directory can have). */
export const OWNERS_DIR = '.owners';

export function heartbeatPath(livePath: string, ownerId: string): string {
  return join(livePath, OWNERS_DIR, ownerId);
}

/**
 * Random per process start, after the host, the pid and the process's start time: a process on
 * the same host can tell a crashed predecessor (its pid gone, or its own pid with another start
 * time, as a container's restarted pid 1) without waiting out the staleness bound.
 */
export function newOwnerId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 64) || 'host';
  return `${host}-${process.pid}-${processStartMs()}-${randomBytes(6).toString('hex')}`;
}

/** When this process started, in whole milliseconds since the epoch. */
export function processStartMs(): number {
  return Math.round(performance.timeOrigin);
}

export interface OwnerHeartbeatOptions {
  readonly livePath: string;
  readonly ownerId: string;
  readonly intervalMs: number;
  readonly ioTimeoutMs: number;
  /** The first beat of a run of failed ones failed: if they go on, peers take this process's games for orphans. */
  readonly onFault: (error: LiveLogError) => void;
}

/**
 * This process's heartbeat: `<livePath>/.owners/<ownerId>`, rewritten every `intervalMs` from
 * its first use until `stop()` (also while no game is open: a game opened after a silence must
 * not look orphaned for a moment). Its modification time is what peers judge this owner by, and
 * the time this process reads just after writing it is the file system's clock: staleness is
 * measured in the clock of the file server (or of the one kernel), so the hosts' clocks may differ.
 */
export class OwnerHeartbeat {
  readonly ownerId: string;
  readonly path: string;
  readonly #options: OwnerHeartbeatOptions;
  readonly #content: string;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<number> | undefined;
  #healthy = false;
  #failing = false;
  #stopped = false;

  constructor(options: OwnerHeartbeatOptions) {
    this.#options = options;
    this.ownerId = options.ownerId;
    this.path = heartbeatPath(options.livePath, options.ownerId);
    this.#content = `${JSON.stringify({
      ownerId: options.ownerId,
      host: hostname(),
      pid: process.pid,
      startedAt: new Date().toISOString(),
    })}\n`;
  }

  /**
   * Writes the heartbeat now (or joins the write under way) and starts the timer on first use;
   * resolves with the file's new modification time: the file system's now.
   */
  beat(): Promise<number> {
    if (this.#stopped)
      return Promise.reject(new LiveLogError('closed', `the heartbeat ${this.path} is stopped`));
    this.#timer ??= setInterval(() => {
      this.beat().catch(() => undefined);
    }, this.#options.intervalMs).unref();
    this.#beating ??= this.#write().then(
      (modifiedMs) => this.#settled(undefined, modifiedMs),
      (error: unknown) => this.#settled(error, Number.NaN),
    );
    return this.#beating;
  }

  /** Resolves once the heartbeat is known to be up: at once while beats succeed, after a new beat otherwise. */
  async ready(): Promise<void> {
    if (this.#healthy && !this.#stopped) return;
    await this.beat();
  }

  /** Stops beating and removes the file: the games this process still owns become orphans at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    if (this.#timer === undefined) return;
    await this.#beating?.catch(() => undefined);
    await withIoTimeout(this.#options.ioTimeoutMs, `removing ${this.path}`, (watchdog) =>
      watchdog.step(() => rm(this.path, { force: true })),
    );
  }

  #settled(error: unknown, modifiedMs: number): number {
    this.#beating = undefined;
    this.#healthy = error === undefined;
    if (error === undefined) {
      this.#failing = false;
      return modifiedMs;
    }
    const fault = new LiveLogError('io', `cannot write the heartbeat ${this.path}`, { cause: error });
    if (!this.#failing) {
      this.#failing = true;
      try {
        this.#options.onFault(fault);
      } catch {
        // A failing fault handler must not stop the heartbeat.
      }
    }
    throw fault;
  }

  /** Rewrites the file by its path each time: a peer may have removed it while this process stalled. */
  #write(): Promise<number> {
    return withIoTimeout(this.#options.ioTimeoutMs, `writing ${this.path}`, async (watchdog) => {
      const handle = await watchdog.step(() =>
        open(this.path, 'w', FILE_MODE).catch(async (error: unknown) => {
          if (!isErrnoError(error, 'ENOENT')) throw error;
          await mkdir(dirname(this.path), { recursive: true });
          return open(this.path, 'w', FILE_MODE);
        }),
      );
      try {
        await watchdog.step(() => handle.writeFile(this.#content));
        return (await watchdog.step(() => handle.stat())).mtimeMs;
      } finally {
        await handle.close();
      }
    });
  }
}
