import type { GameId } from '@faf-replay/core';

export interface OpenResponsesOptions {
  /** Long-lived responses (streams and event feeds) one client address may hold at once. */
  readonly maxPerIp: number;
  /** Long-lived responses in all. */
  readonly maxTotal: number;
}

export type Admission =
  | { readonly admitted: true; readonly release: () => void }
  | { readonly admitted: false; readonly reason: 'per-ip' | 'total' };

/**
 * The long-lived responses held open: HTTP stream viewers per game (the list's `readers` counts
 * them) and event feeds, bounded per client address and in all. Rate limits bound how often a
 * client asks; this bounds how much it holds.
 */
export class OpenResponses {
  readonly #options: OpenResponsesOptions;
  readonly #perGame = new Map<GameId, number>();
  readonly #perIp = new Map<string, number>();
  #total = 0;

  constructor(options: OpenResponsesOptions) {
    this.#options = options;
  }

  get total(): number {
    return this.#total;
  }

  /** HTTP stream viewers of a game now. */
  viewers(gameId: GameId): number {
    return this.#perGame.get(gameId) ?? 0;
  }

  /** Holds one response for `ip` (and for `gameId`'s viewers when given); `release` once, when it ends. */
  admit(ip: string, gameId?: GameId): Admission {
    if (this.#total >= this.#options.maxTotal) return { admitted: false, reason: 'total' };
    if ((this.#perIp.get(ip) ?? 0) >= this.#options.maxPerIp) return { admitted: false, reason: 'per-ip' };
    this.#total++;
    bump(this.#perIp, ip, 1);
    if (gameId !== undefined) bump(this.#perGame, gameId, 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        bump(this.#perIp, ip, -1);
        if (gameId !== undefined) bump(this.#perGame, gameId, -1);
      },
    };
  }
}

function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
