import type * as fsPromises from 'node:fs/promises';
import { link, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArchiveError } from '@faf-replay/core';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finishedReplayOf, makeTempDir } from './testing/index.js';
import { VaultArchive } from './vault-archive.js';
import { vaultReplayPath } from './vault-replay-path.js';

// A disk that fails after the temp file is written cannot be made for real without mounting a
// file system, so link() alone is replaced here; everything else runs on the real temp dir.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return { ...actual, link: vi.fn(actual.link) };
});

const replay = finishedReplayOf(2000n, fixture(fixtureFacts.example.file), {
  headerBytes: fixtureFacts.example.headerBytes,
});

describe('VaultArchive when the disk fails after the temp file is written', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('removes the temp file, throws an ArchiveError with the cause, and a retry saves', async () => {
    const fault = Object.assign(new Error('EIO: i/o error, link'), { code: 'EIO' });
    vi.mocked(link).mockRejectedValueOnce(fault);
    const archive = new VaultArchive({ vaultRoot: join(temp.path, 'vault') });
    const location = vaultReplayPath(join(temp.path, 'vault'), 2000n);

    const error: unknown = await archive.save(replay).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).cause).toBe(fault);
    expect(await readdir(dirname(location))).toEqual([]);

    expect(await archive.save(replay)).toEqual({ kind: 'archived', location });
    expect(await readdir(dirname(location))).toEqual(['2000.fafreplay']);
  });
});
