import { join } from 'node:path';
import type { GameId } from '@faf-replay/core';

/**
 * Where the vault keeps game N's replay (spec §7.2): `<a>/<b>/<c>/<d>/<id>.fafreplay` with
 * a..d the 2-digit groups of digits 10..3 of the id, counted from the right. Ids above 10^10
 * ignore their top digits, exactly like the Rust and Python servers, because the FAF clients and
 * the vault compute the same path.
 */
export function vaultReplayPath(vaultRoot: string, gameId: GameId): string {
  const groups = [100_000_000n, 1_000_000n, 10_000n, 100n].map((divisor) =>
    ((gameId / divisor) % 100n).toString(),
  );
  return join(vaultRoot, ...groups, `${gameId.toString()}.fafreplay`);
}
