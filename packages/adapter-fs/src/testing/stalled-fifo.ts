import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A named pipe nobody writes to: a path whose blocking open or read never settles, as a hung
 * disk's would. `release()` opens and closes its write end, so that whatever is stuck on it ends
 * (with end of file) and gives its thread of the pool back.
 */
export async function stalledFifo(path: string): Promise<{ path: string; release: () => Promise<void> }> {
  await execFileAsync('mkfifo', [path]);
  return {
    path,
    release: async () => {
      // ENXIO: no reader is waiting, so nothing is stuck on it.
      const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      await writer?.close();
    },
  };
}
