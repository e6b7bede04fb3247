import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrnoError } from '../durable-file.js';
import type { IoWatchdog } from '../io-watchdog.js';
import { withIoTimeout } from '../io-watchdog.js';
import { claimGame, isOwnerId, readGameDirectory } from './game-owner.js';
import type { GameDirectoryState } from './game-owner.js';
import { heartbeatPath, OWNERS_DIR } from './owner-heartbeat.js';

export interface OrphanScanOptions {
  readonly livePath: string;
  /** This process. */
  readonly ownerId: string;
  /** The file system's now: the modification time of this process's heartbeat, just written. */
  readonly nowMs: number;
  readonly staleMs: number;
  readonly ioTimeoutMs: number;
}

/**
 * One pass over the live games' directories, claiming those no live process owns: an owner is
 * alive while its heartbeat is at most `staleMs` old. The owners' verdicts are read once per pass.
 * Afterwards, the heartbeats of stale owners that no directory names any more are removed.
 */
export class OrphanScan {
  readonly #options: OrphanScanOptions;
  readonly #alive = new Map<string, Promise<boolean>>();
  /** How many directories seen in this pass each owner owns (after this pass's claims). */
  readonly #gamesOf = new Map<string, number>();
  /** A directory could not be read: its owner is unknown, so no heartbeat is removed. */
  #unsure = false;

  constructor(options: OrphanScanOptions) {
    this.#options = options;
  }

  /** Makes this process the owner of the game in `dir` if it is an orphan; true when it did. */
  async claimIfOrphan(dir: string): Promise<boolean> {
    const { ownerId, ioTimeoutMs } = this.#options;
    return withIoTimeout(ioTimeoutMs, `claiming ${dir}`, async (watchdog) => {
      let found: GameDirectoryState | undefined;
      try {
        found = await readGameDirectory(dir, watchdog);
      } catch (error) {
        this.#unsure = true;
        throw error;
      }
      if (found === undefined) return false;
      const { owner } = found;
      if (owner !== undefined) this.#count(owner.ownerId, 1);
      if (owner?.ownerId === ownerId) return false;
      const orphan =
        owner === undefined
          ? await this.#abandonedWithoutOwner(dir, found.hasLogFile, watchdog)
          : !(await this.#isAlive(owner.ownerId, watchdog));
      if (
        !orphan ||
        !(await claimGame(dir, owner === undefined ? 0 : owner.generation + 1, ownerId, watchdog))
      )
        return false;
      if (owner !== undefined) this.#count(owner.ownerId, -1);
      this.#count(ownerId, 1);
      return true;
    });
  }

  /**
   * Removes the heartbeats of stale owners that own none of the directories seen. An owner that
   * was stale but comes back between the check and the removal writes its heartbeat again at its
   * next beat; until then its new games look orphaned: a process that stalls past the bound has
   * lost its games to its peers anyway.
   */
  async cleanUp(): Promise<void> {
    if (this.#unsure) return;
    const { livePath, ownerId, ioTimeoutMs } = this.#options;
    await withIoTimeout(ioTimeoutMs, `removing stale heartbeats in ${livePath}`, async (watchdog) => {
      for (const owner of await listOwners(livePath, watchdog)) {
        if (owner === ownerId || (this.#gamesOf.get(owner) ?? 0) > 0) continue;
        // Read again just before: an owner that stalled may have come back during the pass.
        this.#alive.delete(owner);
        if (await this.#isAlive(owner, watchdog)) continue;
        await watchdog
          .step(() => unlink(heartbeatPath(livePath, owner)))
          .catch((error: unknown) => {
            if (!isErrnoError(error, 'ENOENT')) throw error;
          });
      }
    });
  }

  #count(owner: string, delta: number): void {
    this.#gamesOf.set(owner, (this.#gamesOf.get(owner) ?? 0) + delta);
  }

  #isAlive(owner: string, watchdog: IoWatchdog): Promise<boolean> {
    let verdict = this.#alive.get(owner);
    if (verdict === undefined) {
      verdict = this.#readAlive(owner, watchdog);
      this.#alive.set(owner, verdict);
    }
    return verdict;
  }

  async #readAlive(owner: string, watchdog: IoWatchdog): Promise<boolean> {
    if (!isOwnerId(owner)) return false;
    if (owner !== this.#options.ownerId && isDeadOnThisHost(owner, this.#options.ownerId)) return false;
    const beatMs = await heartbeatModifiedMs(heartbeatPath(this.#options.livePath, owner), watchdog);
    return beatMs !== undefined && this.#options.nowMs - beatMs <= this.#options.staleMs;
  }

  /**
   * A directory without an owner record: of the previous format when it holds a log file (a
   * process of this format records its claim before it creates the file), else made by a crash
   * before the first record, or by a peer creating its game right now: an orphan once older than
   * the staleness bound.
   */
  async #abandonedWithoutOwner(dir: string, hasLogFile: boolean, watchdog: IoWatchdog): Promise<boolean> {
    if (hasLogFile) return true;
    try {
      const stats = await watchdog.step(() => stat(dir));
      return this.#options.nowMs - stats.mtimeMs > this.#options.staleMs;
    } catch (error) {
      if (isErrnoError(error, 'ENOENT')) return false;
      throw error;
    }
  }
}

/**
 * An owner on this host (same host name as this process) whose process is gone: a predecessor
 * that crashed, so that a restart need not wait out the staleness bound. Its pid is this
 * process's own with another start time (a container's pid 1, restarted), or no process's.
 */
export function isDeadOnThisHost(owner: string, self: string): boolean {
  const theirs = parseOwner(owner);
  const ours = parseOwner(self);
  if (theirs === undefined || ours === undefined || theirs.host !== ours.host) return false;
  if (theirs.pid === ours.pid) return theirs.startMs !== ours.startMs;
  try {
    process.kill(theirs.pid, 0);
    return false;
  } catch (error) {
    return isErrnoError(error, 'ESRCH');
  }
}

/** `<host>-<pid>-<startMs>-<random>` (the host may hold dashes itself); older ids have no start. */
function parseOwner(owner: string): { host: string; pid: number; startMs: number } | undefined {
  const parts = owner.split('-');
  if (parts.length < 4) return undefined;
  const pid = Number(parts.at(-3));
  const startMs = Number(parts.at(-2));
  if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(startMs)) return undefined;
  return { host: parts.slice(0, -3).join('-'), pid, startMs };
}

/**
 * An owner's last beat; undefined when it has none. Read through an open file rather than by
 * path: over NFS, opening revalidates the attributes, where `stat` may answer from a cache.
 */
async function heartbeatModifiedMs(path: string, watchdog: IoWatchdog): Promise<number | undefined> {
  let handle;
  try {
    handle = await watchdog.step(() => open(path, 'r'));
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    return (await watchdog.step(() => handle.stat())).mtimeMs;
  } finally {
    await handle.close();
  }
}

async function listOwners(livePath: string, watchdog: IoWatchdog): Promise<string[]> {
  try {
    const names = await watchdog.step(() => readdir(join(livePath, OWNERS_DIR)));
    return names.filter(isOwnerId);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return [];
    throw error;
  }
}
