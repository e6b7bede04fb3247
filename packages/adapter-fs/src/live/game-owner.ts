import { mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrnoError } from '../durable-file.js';
import type { IoWatchdog } from '../io-watchdog.js';
import { LiveLogError } from './live-log-error.js';
import { LOG_FILE_NAME } from './live-log-file.js';

/** `owner.<generation>`: the generation counts the claims, from 0 when the game was opened. */
const OWNER_RECORD = /^owner\.(0|[1-9][0-9]{0,8})$/;

/** What an owner id may hold: it names a file under `.owners`, so no separator and no leading dot. */
const OWNER_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isOwnerId(value: string): boolean {
  return OWNER_ID.test(value);
}

/** Who owns a game: the record of the highest generation in its directory. */
export interface GameOwnerRecord {
  readonly generation: number;
  readonly ownerId: string;
}

export interface GameDirectoryState {
  /** Undefined for a directory of the previous format, or one made by a crash before its first record. */
  readonly owner: GameOwnerRecord | undefined;
  readonly hasLogFile: boolean;
}

/** The ownership side of one game's directory, as its `LiveLogFile` needs it. */
export interface GameDirectoryOwner {
  /** Creates the directory of a new game and makes this process its owner; rejects when another owns it. */
  claimNew(dir: string, watchdog: IoWatchdog): Promise<void>;
  /** Whether this process still owns the directory (a peer adopts it if this one stalled past the staleness bound). */
  owns(dir: string, watchdog: IoWatchdog): Promise<boolean>;
}

/** What a game's directory holds now; undefined once it is removed. */
export async function readGameDirectory(
  dir: string,
  watchdog: IoWatchdog,
): Promise<GameDirectoryState | undefined> {
  let names: string[];
  try {
    names = await watchdog.step(() => readdir(dir));
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return undefined;
    throw error;
  }
  let generation = -1;
  for (const name of names) {
    const match = OWNER_RECORD.exec(name);
    if (match !== null) generation = Math.max(generation, Number(match[1]));
  }
  const hasLogFile = names.includes(LOG_FILE_NAME);
  if (generation < 0) return { owner: undefined, hasLogFile };
  try {
    const ownerId = await watchdog.step(() => readlink(join(dir, `owner.${generation}`)));
    return { owner: { generation, ownerId }, hasLogFile };
  } catch (error) {
    // Records are never removed, except with the whole directory.
    if (isErrnoError(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * Creates record `generation` naming `ownerId`, unless it exists: true when this call made it.
 * A symbolic link is created whole with its target, and fails if the name exists (also over
 * NFS): of the processes racing for one generation exactly one wins, and since records are
 * never removed, a generation is never claimed twice.
 */
export async function claimGame(
  dir: string,
  generation: number,
  ownerId: string,
  watchdog: IoWatchdog,
): Promise<boolean> {
  try {
    await watchdog.step(() => symlink(ownerId, join(dir, `owner.${generation}`)));
    return true;
  } catch (error) {
    if (isErrnoError(error, 'EEXIST') || isErrnoError(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * The directories of `ownerId`'s games. `heartbeatReady` resolves once its heartbeat is up:
 * peers must find it before the claim that names it, or the new game looks orphaned.
 */
export function gameDirectoryOwner(ownerId: string, heartbeatReady: () => Promise<void>): GameDirectoryOwner {
  return {
    async claimNew(dir, watchdog) {
      await watchdog.step(heartbeatReady);
      await watchdog.step(() => mkdir(dir, { recursive: true }));
      if (await claimGame(dir, 0, ownerId, watchdog)) return;
      const owner = (await readGameDirectory(dir, watchdog))?.owner?.ownerId ?? 'another process';
      throw new LiveLogError('conflict', `${dir} is owned by ${owner}: the game is live there too`);
    },
    async owns(dir, watchdog) {
      return (await readGameDirectory(dir, watchdog))?.owner?.ownerId === ownerId;
    },
  };
}
