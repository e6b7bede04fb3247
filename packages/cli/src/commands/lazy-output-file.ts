import { rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CliError } from './cli-error.js';
import { openOutputFile, outputError } from './output-file.js';

/**
 * An output file created when its first bytes arrive. A watch that receives nothing (a server
 * out of reach, a game not running, a refusal, Ctrl-C) then leaves no file behind, and an
 * existing file given with `--force` stays whole until there is something to replace it with.
 * After `close()` a regular file exists exactly when bytes were written to it; a device or pipe
 * (`-o /dev/null --force`) is never removed.
 *
 * A failed write is kept in `error` and aborts `failed`: the reading must stop there, not go on
 * (or resume over HTTP) past a gap in the file.
 */
export class LazyOutputFile {
  readonly #path: string;
  readonly #force: boolean;
  readonly #failed = new AbortController();
  #file: Promise<OpenedFile> | null = null;
  #bytesWritten = 0;
  #error: CliError | null = null;

  constructor(path: string, force: boolean) {
    this.#path = path;
    this.#force = force;
  }

  get path(): string {
    return this.#path;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Why writing stopped (the file could not be created or written); null while it works. */
  get error(): CliError | null {
    return this.#error;
  }

  /** Aborted when a write fails. */
  get failed(): AbortSignal {
    return this.#failed.signal;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#error !== null) throw this.#error;
    try {
      this.#file ??= openRegular(this.#path, this.#force);
      const { handle: file } = await this.#file;
      for (let offset = 0; offset < chunk.length;) {
        const { bytesWritten } = await file.write(chunk, offset);
        offset += bytesWritten;
        this.#bytesWritten += bytesWritten;
      }
    } catch (error) {
      this.#error = error instanceof CliError ? error : outputError(this.#path, error);
      this.#failed.abort();
      throw this.#error;
    }
  }

  /** Closes the file; one that was created (or truncated) but got no byte is removed. */
  async close(): Promise<void> {
    const file = await this.#file?.catch(() => null);
    if (file === undefined || file === null) return;
    await file.handle.close();
    if (this.#bytesWritten === 0 && file.regular) await rm(this.#path, { force: true });
  }
}

interface OpenedFile {
  readonly handle: FileHandle;
  /** A plain file, which may be removed; not a device or a pipe. */
  readonly regular: boolean;
}

async function openRegular(path: string, force: boolean): Promise<OpenedFile> {
  const handle = await openOutputFile(path, force);
  try {
    return { handle, regular: (await handle.stat()).isFile() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
