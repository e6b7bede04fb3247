import { join } from 'node:path';
import { vaultReplayPath } from '@faf-replay/adapter-fs';
import { waitForFile } from '@faf-replay/fixtures';

/** The bytes of game `gameId`'s saved file in the app's vault under `dataDir`, once it appears. */
export function waitForSavedFile(dataDir: string, gameId: bigint, timeoutMs = 15_000): Promise<Buffer> {
  // The vault publishes a file whole (temp file, then link): once it is there, it is complete.
  return waitForFile(vaultReplayPath(join(dataDir, 'vault'), gameId), { timeoutMs });
}
