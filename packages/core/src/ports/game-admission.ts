import type { GameId } from '../game-id.js';

export type AdmissionVerdict =
  { readonly admitted: true } | { readonly admitted: false; readonly reason: string };

/** A writer asking to join a game. */
export interface AdmissionRequest {
  readonly gameId: GameId;
  /** The name from its connection header. */
  readonly playerName: string;
  /** Whether it would create the game's replay (no replay of it is live here). */
  readonly newReplay: boolean;
}

/**
 * Decides whether a writer may join a game (FAF mode's optional `replay.require_known_game` and
 * `replay.require_known_player`). The default admits everything.
 */
export interface GameAdmission {
  /** Resolves to a verdict; never throws (an unreachable database admits: a live game is never lost). */
  admit(request: AdmissionRequest): Promise<AdmissionVerdict>;
}

export const admitEveryGame: GameAdmission = Object.freeze({
  admit: () => Promise.resolve({ admitted: true } as const),
});
