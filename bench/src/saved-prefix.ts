import { readFafReplay, vaultReplayPath } from '@faf-replay/adapter-fs';
import { firstDifference } from '@faf-replay/client';
import { readWhenPresent } from './saved-files.ts';

const KEPT_FAILURES = 10;

/** One game cut by a crash: what its writers had sent by then, and what it may lack. */
export interface CutGame {
  readonly gameId: number;
  /** The stream its writers were sending (they had sent its first `sentBytes`). */
  readonly stream: Uint8Array;
  readonly sentBytes: number;
  /** What the saved replay may lack: the bytes sent within the last fsync interval before the crash. */
  readonly allowanceBytes: number;
}

/** A saved replay against what its writers sent before the crash. */
export type PrefixVerdict =
  | { readonly status: 'ok'; readonly lackingBytes: number }
  | { readonly status: 'differs'; readonly offset: number }
  | { readonly status: 'longer'; readonly savedBytes: number }
  | { readonly status: 'short'; readonly lackingBytes: number; readonly allowanceBytes: number };

export interface SavedPrefixCheck {
  readonly checked: number;
  readonly ok: number;
  readonly missing: number;
  /** Files that differ from what was sent, or hold more than was sent. */
  readonly wrong: number;
  /** Files that lack more than their allowance. */
  readonly short: number;
  /** Bytes lacking, over the games whose files are a prefix of what was sent. */
  readonly lackingBytesMax: number;
  readonly lackingBytesTotal: number;
  readonly failures: readonly string[];
}

/**
 * A saved replay must be a prefix of the stream its writers sent, at most `allowanceBytes`
 * shorter than the `sentBytes` they had sent.
 */
export function prefixVerdict(
  saved: Uint8Array,
  game: Pick<CutGame, 'stream' | 'sentBytes' | 'allowanceBytes'>,
): PrefixVerdict {
  const sent = game.stream.subarray(0, game.sentBytes);
  const compared = Math.min(saved.length, sent.length);
  const offset = firstDifference(saved.subarray(0, compared), sent.subarray(0, compared));
  if (offset >= 0) return { status: 'differs', offset };
  if (saved.length > sent.length) return { status: 'longer', savedBytes: saved.length };
  const lackingBytes = sent.length - saved.length;
  return lackingBytes > game.allowanceBytes
    ? { status: 'short', lackingBytes, allowanceBytes: game.allowanceBytes }
    : { status: 'ok', lackingBytes };
}

export function describePrefixVerdict(verdict: PrefixVerdict, sentBytes: number): string {
  switch (verdict.status) {
    case 'ok':
      return `ok, lacking ${verdict.lackingBytes} of ${sentBytes} bytes`;
    case 'differs':
      return `differs from byte ${verdict.offset} (of ${sentBytes} sent)`;
    case 'longer':
      return `holds ${verdict.savedBytes} bytes, more than the ${sentBytes} sent`;
    case 'short':
      return `lacks ${verdict.lackingBytes} of ${sentBytes} bytes sent (allowed ${verdict.allowanceBytes})`;
  }
}

/** Checks each cut game's `.fafreplay` in the vault; a file not there yet is awaited up to `waitMs` in all. */
export async function checkSavedPrefixes(
  vaultPath: string,
  games: readonly CutGame[],
  waitMs = 10_000,
): Promise<SavedPrefixCheck> {
  const deadline = performance.now() + waitMs;
  const tally = { ok: 0, missing: 0, wrong: 0, short: 0, lackingBytesMax: 0, lackingBytesTotal: 0 };
  const failures: string[] = [];
  for (const game of games) {
    const path = vaultReplayPath(vaultPath, BigInt(game.gameId));
    const file = await readWhenPresent(path, deadline);
    const verdict = file === undefined ? `missing ${path}` : await verdictOf(file, game);
    if (typeof verdict !== 'string' && verdict.status === 'ok') {
      tally.ok++;
      tally.lackingBytesMax = Math.max(tally.lackingBytesMax, verdict.lackingBytes);
      tally.lackingBytesTotal += verdict.lackingBytes;
      continue;
    }
    if (file === undefined) tally.missing++;
    else if (typeof verdict !== 'string' && verdict.status === 'short') tally.short++;
    else tally.wrong++;
    const problem = typeof verdict === 'string' ? verdict : describePrefixVerdict(verdict, game.sentBytes);
    if (failures.length < KEPT_FAILURES) failures.push(`game ${game.gameId}: ${problem}`);
  }
  return { checked: games.length, ...tally, failures };
}

/** The verdict, or why the file cannot be read. */
async function verdictOf(file: Buffer, game: CutGame): Promise<PrefixVerdict | string> {
  try {
    return prefixVerdict((await readFafReplay(file)).replay, game);
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}
