import type { GameId } from '../game-id.js';

export type AdmissionVerdict =
  { readonly admitted: true } | { readonly admitted: false; readonly reason: string };

/**
 * Decides whether a writer may create a new replay for a game id (FAF mode's optional
 * `replay.require_known_game`). The default admits everything.
 */
export interface GameAdmission {
  /** Resolves to a verdict; never throws (an unreachable database admits: a live game is never lost). */
  admitNewReplay(gameId: GameId): Promise<AdmissionVerdict>;
}

export const admitEveryGame: GameAdmission = Object.freeze({
  admitNewReplay: () => Promise.resolve({ admitted: true } as const),
});
