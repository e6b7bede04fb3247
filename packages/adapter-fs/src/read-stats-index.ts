import { readFile } from 'node:fs/promises';
import type { GameId } from '@faf-replay/core';
import { StatsError } from '@faf-replay/core';
import { isErrnoError } from './durable-file.js';

export interface StatsIndexEntry {
  readonly gameId: GameId;
  readonly ticks: number | null;
  readonly available: boolean;
  readonly recordedAtS: number;
}

export interface StatsIndex {
  /** The standing record of each game, in order of first appearance. */
  readonly games: ReadonlyMap<GameId, StatsIndexEntry>;
  /** Lines that do not parse (a line torn by a crash), skipped. */
  readonly skippedLines: number;
}

/**
 * Reads a `LocalStatsIndex` file. The latest record of a game stands, except that a record of an
 * unavailable replay never replaces one of an available replay: the file in the vault is the
 * earlier one, and so are its ticks. A missing file is an empty index.
 */
export async function readStatsIndex(path: string): Promise<StatsIndex> {
  const games = new Map<GameId, StatsIndexEntry>();
  let skippedLines = 0;
  for (const line of (await readIndexText(path)).split('\n')) {
    if (line === '') continue;
    const entry = parseEntry(line);
    if (entry === undefined) {
      skippedLines++;
    } else if (!(games.get(entry.gameId)?.available === true && !entry.available)) {
      games.set(entry.gameId, entry);
    }
  }
  return { games, skippedLines };
}

async function readIndexText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if (isErrnoError(cause, 'ENOENT')) return '';
    throw new StatsError(`could not read the stats index ${path}`, { cause });
  }
}

function parseEntry(line: string): StatsIndexEntry | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const { uid, ticks, available, recorded_at: recordedAtS } = record as Record<string, unknown>;
  const validTicks = ticks === null || (typeof ticks === 'number' && Number.isSafeInteger(ticks));
  if (typeof uid !== 'string' || !/^\d+$/.test(uid) || !validTicks || typeof available !== 'boolean')
    return undefined;
  if (typeof recordedAtS !== 'number') return undefined;
  return { gameId: BigInt(uid), ticks, available, recordedAtS };
}
