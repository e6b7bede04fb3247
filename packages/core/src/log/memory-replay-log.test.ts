import { describeReplayLogContract } from '../testing/replay-log-contract.js';
import { MemoryReplayLogStore } from './memory-replay-log.js';

describeReplayLogContract('memory', () =>
  Promise.resolve({ store: new MemoryReplayLogStore(), reopen: undefined, cleanup: () => Promise.resolve() }),
);
