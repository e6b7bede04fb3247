import { describeReplayLogContract } from '@faf-replay/core/testing';
import { makeTempDir } from '../testing/index.js';
import { FileReplayLogStore } from './file-replay-log-store.js';

describeReplayLogContract('files', async () => {
  const temp = await makeTempDir('faf-live-log-');
  const stores: FileReplayLogStore[] = [];
  const newStore = (): FileReplayLogStore => {
    const store = new FileReplayLogStore({ livePath: temp.path });
    stores.push(store);
    return store;
  };
  return {
    store: newStore(),
    // A restart: the store before it is closed, which leaves its games to the next.
    reopen: async () => {
      await Promise.all(stores.map((store) => store.close()));
      return newStore();
    },
    cleanup: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await temp.remove();
    },
  };
});
