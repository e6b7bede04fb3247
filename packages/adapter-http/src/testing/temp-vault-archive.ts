import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveOutcome, FinishedReplay, GameId, ReplayArchive } from '@faf-replay/core';

/** Where `TempVaultArchive` keeps game N's replay. */
export function tempVaultPath(root: string, gameId: GameId): string {
  return join(root, `${gameId}.fafreplay`);
}

/**
 * A vault in a temp directory, for tests: each replay is saved as `<root>/<id>.fafreplay`
 * holding a JSON line and the raw stream (not zstd: the HTTP port serves the file as it is).
 */
export class TempVaultArchive implements ReplayArchive {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async save(replay: FinishedReplay): Promise<ArchiveOutcome> {
    const location = tempVaultPath(this.root, replay.gameId);
    if (await this.contains(replay.gameId)) return { kind: 'already-archived', location };
    const chunks: Uint8Array[] = [Buffer.from(`{"uid":${replay.gameId}}\n`), replay.scfaHeader];
    for await (const chunk of replay.body()) chunks.push(chunk);
    await mkdir(this.root, { recursive: true });
    await writeFile(`${location}.tmp`, Buffer.concat(chunks));
    await rename(`${location}.tmp`, location);
    return { kind: 'archived', location };
  }

  async contains(gameId: GameId): Promise<boolean> {
    try {
      await access(tempVaultPath(this.root, gameId));
      return true;
    } catch {
      return false;
    }
  }
}
