import type { GameId } from '../game-id.js';

export type AdmissionVerdict =
  { readonly admitted: true } | { readonly admitted: false; readonly reason: string };

/** One writer that asks to join a game's replay. */
export interface AdmissionRequest {
  readonly gameId: GameId;
  /** The player's login, from the connection header (`P/<id>/<login>.SCFAreplay`, see `playerNameOf`). */
  readonly playerName: string;
  /** Whether this writer would create the game's replay (no live replay of the game yet). */
  readonly newReplay: boolean;
}

/**
 * Decides whether a writer may write to a game's replay (FAF mode's optional
 * `replay.require_known_game` for new replays and `replay.require_known_player` for every
 * writer). Called once per writer, before it is attached. The default admits everything.
 */
export interface GameAdmission {
  /** Resolves to a verdict; never throws (an unreachable database admits: a live game is never lost). */
  admit(request: AdmissionRequest): Promise<AdmissionVerdict>;
}

export const admitEveryGame: GameAdmission = Object.freeze({
  admit: () => Promise.resolve({ admitted: true } as const),
});
