import { readFile } from 'node:fs/promises';
import { readFafReplay, vaultReplayPath } from '@faf-replay/adapter-fs';
import { checkBytes, describeVerdict } from '@faf-replay/client';
import { waitForFile } from '@faf-replay/fixtures';
import type { GameStream } from './replay-source.ts';

const KEPT_FAILURES = 10;

export interface SavedFilesCheck {
  readonly checked: number;
  readonly ok: number;
  readonly missing: number;
  readonly wrong: number;
  /** The first few files that are missing, unreadable or differ (with the first differing offset). */
  readonly failures: readonly string[];
}

/**
 * Checks that every game's `.fafreplay` in the vault decompresses to exactly the stream its
 * writers sent. A file may still be being written when the last reader closes: each is awaited up
 * to `waitMs` in total.
 */
export async function checkSavedFiles(
  vaultPath: string,
  games: readonly { readonly gameId: number; readonly stream: GameStream }[],
  waitMs = 10_000,
): Promise<SavedFilesCheck> {
  const deadline = performance.now() + waitMs;
  const failures: string[] = [];
  let ok = 0;
  let missing = 0;
  let wrong = 0;
  for (const game of games) {
    const problem = await checkOne(vaultReplayPath(vaultPath, BigInt(game.gameId)), game.stream, deadline);
    if (problem === undefined) ok++;
    else {
      if (problem.startsWith('missing')) missing++;
      else wrong++;
      if (failures.length < KEPT_FAILURES) failures.push(`game ${game.gameId}: ${problem}`);
    }
  }
  return { checked: games.length, ok, missing, wrong, failures };
}

async function checkOne(path: string, stream: GameStream, deadlineMs: number): Promise<string | undefined> {
  const file = await readWhenPresent(path, deadlineMs);
  if (file === undefined) return `missing ${path}`;
  try {
    const verdict = checkBytes((await readFafReplay(file)).replay, stream.bytes);
    return verdict.status === 'ok' ? undefined : describeVerdict(verdict);
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

/** The file once it exists (a file event wakes the wait), or undefined after the deadline. */
export async function readWhenPresent(path: string, deadlineMs: number): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const remainingMs = deadlineMs - performance.now();
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || remainingMs <= 0) return undefined;
  }
  return waitForFile(path, { timeoutMs: deadlineMs - performance.now() }).catch(() => undefined);
}
