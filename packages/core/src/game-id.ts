/**
 * A game's id, which is also its replay's id (`game_stats.id`). The wire protocol allows the
 * whole u64 range, so it is a bigint: exact beyond 2^53.
 */
export type GameId = bigint;

export const MAX_GAME_ID: GameId = 2n ** 64n - 1n;
