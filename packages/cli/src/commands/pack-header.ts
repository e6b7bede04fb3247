import { basename } from 'node:path';
import { scfaHeaderMetadata } from '@faf-replay/core';
import type { GameId, ReplayMetadata } from '@faf-replay/core';
import { CliError, usageError } from './cli-error.js';
import { parseGameId } from './parse-game-id.js';

const REQUIRED = Object.freeze({ version: 2, compression: 'zstd' });

/**
 * The JSON line of a packed file from a user's JSON file. A single-line object that already says
 * `"version":2` and `"compression":"zstd"` is kept byte for byte (what `extract --header` wrote);
 * otherwise the object is re-serialized with those keys added.
 */
export function jsonLineFromText(text: string, source: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError('REPLAY_FILE_INVALID', `${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('REPLAY_FILE_INVALID', `${source} must hold a JSON object`);
  }
  const json = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(REQUIRED)) {
    if (key in json && json[key] !== value) {
      throw new CliError(
        'REPLAY_FILE_INVALID',
        `${source}: "${key}" must be ${JSON.stringify(value)} (pack writes version 2, zstd)`,
      );
    }
  }
  const line = text.trim();
  const complete = Object.keys(REQUIRED).every((key) => key in json);
  return complete && !line.includes('\n') ? line : JSON.stringify({ ...json, ...REQUIRED });
}

export interface DerivedHeaderFacts {
  readonly gameId: GameId;
  readonly scfaHeader: Uint8Array;
  readonly endedAtMs: number;
  readonly durationMs: number;
}

/** What standalone mode would say about this stream's game, for the archive's JSON line. */
export function derivedMetadata(facts: DerivedHeaderFacts): ReplayMetadata {
  return scfaHeaderMetadata({
    gameId: facts.gameId,
    scfaHeader: facts.scfaHeader,
    startedAtMs: facts.endedAtMs - facts.durationMs,
    endedAtMs: facts.endedAtMs,
    firstWriterName: '',
  });
}

/** A game id from `--game-id`, or else from a file named after its game (`8468507.scfareplay`). */
export function gameIdFor(option: string | undefined, path: string): GameId {
  const text = option ?? /^(\d+)\./.exec(basename(path))?.[1];
  if (text === undefined)
    throw usageError(`cannot tell the game id from the file name ${path}: give --game-id`);
  return parseGameId(text);
}
