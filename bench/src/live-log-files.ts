import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The live log of one game: `<livePath>/<gameId>/replay-log.bin` (adapter-fs's layout). */
const LOG_FILE_NAME = 'replay-log.bin';
const OWNERS_DIR = '.owners';

/** How many games have a log under `livePath`, and its bytes on disk (a log only grows while its game lives). */
export async function liveLogBytes(livePath: string): Promise<{ games: number; bytes: number }> {
  const names = (await readdir(livePath)).filter((name) => /^\d+$/.test(name));
  const sizes = await Promise.all(
    names.map((name) =>
      stat(join(livePath, name, LOG_FILE_NAME)).then(
        (file) => file.size,
        () => 0,
      ),
    ),
  );
  return { games: names.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}

/** When the newest owner heartbeat under the live path was written (epoch ms), or undefined. */
export async function newestHeartbeatMs(livePath: string): Promise<number | undefined> {
  const dir = join(livePath, OWNERS_DIR);
  const names = await readdir(dir).catch(() => []);
  const times = await Promise.all(names.map((name) => stat(join(dir, name)).then((file) => file.mtimeMs)));
  return times.length === 0 ? undefined : Math.max(...times);
}

/**
 * Says when a growing figure has not changed for `quietMs`: `observe` it in time order, and it
 * answers true once the value has stayed the same over at least that long.
 */
export class QuietDetector {
  readonly #quietMs: number;
  #value = Number.NaN;
  #sinceMs = Number.NaN;

  constructor(quietMs: number) {
    this.#quietMs = quietMs;
  }

  observe(atMs: number, value: number): boolean {
    if (value !== this.#value) {
      this.#value = value;
      this.#sinceMs = atMs;
    }
    return atMs - this.#sinceMs >= this.#quietMs;
  }
}
