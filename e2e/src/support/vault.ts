import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { vaultReplayPath } from '@faf-replay/adapter-fs';

/** The bytes of game `gameId`'s saved file in the app's vault under `dataDir`, once it appears. */
export async function waitForSavedFile(dataDir: string, gameId: bigint, timeoutMs = 15_000): Promise<Buffer> {
  const path = vaultReplayPath(join(dataDir, 'vault'), gameId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readFile(path);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await delay(50);
  }
}
