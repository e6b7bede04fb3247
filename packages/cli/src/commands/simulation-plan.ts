import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GameId } from '@faf-replay/core';
import { MAX_GAME_ID } from '@faf-replay/core';
import { usageError } from './cli-error.js';
import { parseGameId } from './parse-game-id.js';
import { parseServerAddress } from '@faf-replay/client';
import type { ServerAddress, Speed } from '@faf-replay/client';

export interface SimulationOptions {
  readonly server: string;
  readonly game?: readonly string[] | undefined;
  readonly games?: string | undefined;
  readonly writers: string;
  readonly readers: string;
  readonly speed: string;
  readonly replay?: readonly string[] | undefined;
  readonly mix?: boolean | undefined;
}

export interface SimulationPlan {
  readonly address: ServerAddress;
  readonly gameIds: readonly GameId[];
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  readonly speed: Speed;
  readonly replayPaths: readonly string[];
  /** Writers of one game play the replays in turn (streams that diverge), instead of one per game. */
  readonly mix: boolean;
}

const MAX_GAMES = 10_000;
const MAX_CONNECTIONS_PER_GAME = 1_000;

/** Checks and resolves `simulate`'s options; every problem is a usage error naming the option. */
export function simulationPlanOf(options: SimulationOptions, env: NodeJS.ProcessEnv): SimulationPlan {
  return {
    address: parseServerAddress(options.server),
    gameIds: gameIdsOf(options.game ?? ['1'], options.games),
    writersPerGame: countOf('--writers', options.writers, 1),
    readersPerGame: countOf('--readers', options.readers, 0),
    speed: speedOf(options.speed),
    replayPaths: options.replay ?? [defaultReplayPath(env)],
    mix: options.mix === true,
  };
}

/** `--game 7 --game 10-12` → 7, 10, 11, 12; `--games 3` extends the first id to 3 consecutive ids. */
export function gameIdsOf(specs: readonly string[], count: string | undefined): GameId[] {
  const ids = specs.flatMap(rangeOf);
  if (count !== undefined) {
    const first = ids[0] ?? 1n;
    const games = BigInt(countOf('--games', count, 1, MAX_GAMES));
    if (first + games - 1n > MAX_GAME_ID) throw usageError('--games runs past the largest game id');
    return Array.from({ length: Number(games) }, (_, i) => first + BigInt(i));
  }
  if (new Set(ids).size !== ids.length) throw usageError('--game names a game twice');
  if (ids.length > MAX_GAMES) throw usageError(`at most ${MAX_GAMES} games`);
  return ids;
}

function rangeOf(spec: string): GameId[] {
  const [from = '', to, extra] = spec.split('-');
  if (extra !== undefined) throw usageError(`--game ${spec} is not an id or a range like 100-110`);
  const first = parseGameId(from);
  const last = to === undefined ? first : parseGameId(to);
  if (last < first || last - first >= BigInt(MAX_GAMES))
    throw usageError(`--game ${spec} is not a usable range`);
  return Array.from({ length: Number(last - first) + 1 }, (_, i) => first + BigInt(i));
}

function countOf(name: string, text: string, min: number, max = MAX_CONNECTIONS_PER_GAME): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw usageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function speedOf(text: string): Speed {
  if (text === 'max') return Infinity;
  const speed = Number(text);
  if (text.trim() === '' || !Number.isFinite(speed) || speed <= 0) {
    throw usageError(`--speed must be a positive number (1 = real time) or "max", got "${text}"`);
  }
  return speed;
}

/** The shared fixtures' example game, when this is a checkout beside them. */
export function defaultReplayPath(env: NodeJS.ProcessEnv): string {
  const dir =
    env['FAF_FIXTURES_DIR'] ?? fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));
  const path = join(dir, 'example.scfareplay');
  if (!existsSync(path)) throw usageError(`give --replay <file>: there is no example replay at ${path}`);
  return path;
}
