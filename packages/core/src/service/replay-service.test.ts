import { describe, expect, it } from 'vitest';
import { MemoryReplayLogStore } from '../log/memory-replay-log.js';
import type { RecoveredLog, ReplayLogStore } from '../ports/replay-log.js';
import { CoreHarness } from '../testing/index.js';

describe('the replay service', () => {
  it('starts, and logs why, when the live games of a previous process cannot be listed', async () => {
    const memory = new MemoryReplayLogStore();
    const broken: ReplayLogStore = {
      open: (gameId) => memory.open(gameId),
      recover: (): AsyncIterable<RecoveredLog> => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('ENOTDIR: not a directory')) }),
      }),
    };
    const h = new CoreHarness({ logStore: broken });
    expect(await h.service.start()).toEqual({ recoveredGames: 0 });
    expect(h.logger.find('Could not recover the live games')[0]?.level).toBe('error');
    await h.service.shutdown();
  });
});
