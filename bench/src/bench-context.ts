import type { GameSpec } from './load-generator.ts';
import { gameStream } from './replay-source.ts';
import type { GameStream, ReplaySource } from './replay-source.ts';
import type { TargetProcess } from './target-process.ts';

/** What every scenario gets from the runner. */
export interface BenchContext {
  readonly source: ReplaySource;
  /** `pnpm bench --full`: the long versions. */
  readonly full: boolean;
  /** Open-file limit of this process (the server inherits it). */
  readonly fileLimit: number;
  /** Progress for the operator (the runner prints it; it is not part of the report). */
  readonly log: (line: string) => void;
  /** Called with each stopped process: deletes its data, or keeps it (`--keep-data`) and says where. */
  readonly release: (target: TargetProcess) => void;
}

export const BYTES_PER_MB = 1_000_000;
/** Game ids of a run count up from here; every scenario starts a fresh server with an empty vault. */
export const FIRST_GAME_ID = 10_000_000;

/**
 * `games` specs over `windowTicks`-long windows of the source, spread evenly over the whole game
 * (at most `distinct` different windows, so that memory for expected streams stays small): the
 * load then has the game's average data rate, not that of its quiet start.
 */
export function spreadWindows(
  source: ReplaySource,
  games: number,
  windowTicks: number,
  firstGameId = FIRST_GAME_ID,
  distinct = 8,
): GameSpec[] {
  const ticks = source.tickEnds.length;
  const length = Math.min(windowTicks, ticks);
  const windows: GameStream[] = [];
  for (let k = 0; k < distinct; k++) {
    const from = distinct === 1 ? 0 : Math.floor((k * (ticks - length)) / (distinct - 1));
    windows.push(gameStream(source, from, from + length));
  }
  return Array.from({ length: games }, (_, i) => ({
    gameId: firstGameId + i,
    stream: windows[i % windows.length] ?? gameStream(source),
  }));
}

/** The same whole-game stream for every game. */
export function wholeGames(source: ReplaySource, games: number, firstGameId = FIRST_GAME_ID): GameSpec[] {
  const stream = gameStream(source);
  return Array.from({ length: games }, (_, i) => ({ gameId: firstGameId + i, stream }));
}

export function megabytes(bytes: number): number {
  return bytes / BYTES_PER_MB;
}
