import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir, and its removal (even if a test made parts read-only). */
export async function makeTempDir(
  prefix = 'faf-adapter-fs-',
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    remove: async () => {
      await chmod(path, 0o755);
      await rm(path, { recursive: true, force: true });
    },
  };
}
