import { open, stat } from 'node:fs/promises';
import type { GameId } from '@faf-replay/core';

/** A saved replay in the vault, as the HTTP port serves it. */
export interface SavedReplay {
  readonly gameId: GameId;
  /** Where the `.fafreplay` file is. */
  readonly path: string;
  readonly size: number;
  readonly modifiedMs: number;
}

/**
 * What the HTTP port needs of the vault: find one saved replay, list the newest ones. Shaped by
 * this adapter (it does not depend on the one that writes the vault). Both are cheap enough to
 * call once a second; neither throws for a missing file.
 */
export interface ReplayDownloads {
  find(gameId: GameId): Promise<SavedReplay | undefined>;
  /** The most recently saved replays, newest first, at most `limit`. */
  recent(limit: number): Promise<readonly SavedReplay[]>;
}

export interface VaultDownloadsOptions {
  readonly vaultRoot: string;
  /** The vault's layout: where game N's file is (adapter-fs's `vaultReplayPath`). */
  readonly replayPath: (vaultRoot: string, gameId: GameId) => string;
  /**
   * A JSON-lines index of saved games (`{"uid":"2000","available":true,...}` per line, newest
   * last: standalone mode's `replay-index.jsonl`), whose tail lists the recent replays. Without
   * it, `recent` lists nothing: the server's own ended games stand in.
   */
  readonly indexPath?: string;
  /** How much of the index's end is read. Default 64 KiB. */
  readonly indexTailBytes?: number;
}

/** `ReplayDownloads` over a vault directory. */
export class VaultDownloads implements ReplayDownloads {
  readonly #options: VaultDownloadsOptions;

  constructor(options: VaultDownloadsOptions) {
    this.#options = options;
  }

  async find(gameId: GameId): Promise<SavedReplay | undefined> {
    const path = this.#options.replayPath(this.#options.vaultRoot, gameId);
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return undefined;
      return { gameId, path, size: stats.size, modifiedMs: stats.mtimeMs };
    } catch {
      return undefined;
    }
  }

  async recent(limit: number): Promise<readonly SavedReplay[]> {
    const { indexPath } = this.#options;
    if (indexPath === undefined || limit <= 0) return [];
    const ids = newestIds(await readTail(indexPath, this.#options.indexTailBytes ?? 65_536));
    const found: SavedReplay[] = [];
    for (const gameId of ids) {
      if (found.length >= limit) break;
      const replay = await this.find(gameId);
      if (replay !== undefined) found.push(replay);
    }
    return found;
  }
}

async function readTail(path: string, bytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    // A cut first line is not a record.
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

/** The games recorded as available, newest first, each once. */
function newestIds(text: string): GameId[] {
  const seen = new Set<GameId>();
  const lines = text.split('\n').reverse();
  for (const line of lines) {
    const record = parseLine(line);
    if (record?.available === true) seen.add(record.gameId);
  }
  return [...seen];
}

function parseLine(line: string): { gameId: GameId; available: boolean } | undefined {
  if (line.trim() === '') return undefined;
  try {
    const record = JSON.parse(line) as { uid?: unknown; available?: unknown };
    if (typeof record.uid !== 'string' || !/^\d{1,20}$/.test(record.uid)) return undefined;
    return { gameId: BigInt(record.uid), available: record.available === true };
  } catch {
    return undefined;
  }
}
