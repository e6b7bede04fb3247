import { MAX_GAME_ID } from '@faf-replay/core';
import type { GameId } from '@faf-replay/core';
import { usageError } from './cli-error.js';

/** A game id argument: plain digits, 0 to 2^64-1, as the wire protocol takes them. */
export function parseGameId(text: string): GameId {
  if (!/^\d{1,20}$/.test(text) || BigInt(text) > MAX_GAME_ID) {
    throw usageError(`"${text}" is not a game id (a whole number from 0 to 2^64-1)`);
  }
  return BigInt(text);
}
