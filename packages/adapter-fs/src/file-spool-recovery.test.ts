import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createReplayService, defaultReplaySettings } from '@faf-replay/core';
import { InMemoryStatsSink, ManualClock, RecordingEvents, RecordingLogger } from '@faf-replay/core/testing';
import { divergingStreams, firstDifference, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileReplaySpool } from './file-replay-spool.js';
import { readFafReplay } from './read-faf-replay.js';
import { encodeSpoolDescription } from './spool-record.js';
import { finishedReplayOf, makeTempDir } from './testing/index.js';
import { VaultArchive } from './vault-archive.js';
import { vaultReplayPath } from './vault-replay-path.js';

describe('SpoolRecovery with the file spool and the vault', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('archives the good spooled replays whatever bad files lie beside them', async () => {
    const spoolDir = join(temp.path, 'spool');
    const vaultRoot = join(temp.path, 'vault');
    const spool = new FileReplaySpool({ spoolDir });
    const [first, second] = divergingStreams();
    const headerBytes = fixtureFacts.diverging.headerBytes;
    if (first === undefined || second === undefined) throw new Error('fixtures missing');
    await spool.keep(finishedReplayOf(31n, first, { headerBytes, ticks: 130 }));
    await spool.keep(finishedReplayOf(33n, second, { headerBytes, ticks: 656 }));
    await writeFile(join(spoolDir, '32.spool'), '{"format":"faf-replay-spool", broken');
    await mkdir(join(spoolDir, '34.spool'));
    // Over 2 GiB (sparse), and longer than its description says.
    const oversized = { ...finishedReplayOf(35n, first, { headerBytes }), bodyLength: 10 };
    const oversizedPath = join(spoolDir, '35.spool');
    await writeFile(oversizedPath, encodeSpoolDescription(oversized, 0));
    await truncate(oversizedPath, 2 ** 31 + 1);

    const stats = new InMemoryStatsSink();
    const service = createReplayService(
      {
        spool,
        archive: new VaultArchive({ vaultRoot, compressionLevel: 1 }),
        stats,
        events: new RecordingEvents(),
        clock: new ManualClock(),
        logger: new RecordingLogger(),
      },
      {
        replay: defaultReplaySettings,
        headerTimeoutMs: 1_000,
        rememberedEndedReplays: 10,
        spoolRetryMs: 60_000,
      },
    );
    expect(await service.recoverSpoolOnce()).toBe(0);

    for (const [gameId, stream] of [
      [31n, first],
      [33n, second],
    ] as const) {
      const saved = await readFafReplay(await readFile(vaultReplayPath(vaultRoot, gameId)));
      expect(firstDifference(saved.replay, stream)).toBe(-1);
    }
    expect(stats.latest(33n)).toEqual({ ticks: 656, available: true });
    expect((await readdir(spoolDir)).sort()).toEqual(['32.spool', '34.spool', '35.spool']);
  });
});
