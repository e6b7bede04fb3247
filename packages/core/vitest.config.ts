import { defineProject, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// --expose-gc: the memory regression tests force collections to prove ended games are garbage.
export default mergeConfig(
  sharedTestConfig,
  defineProject({ test: { name: 'core', execArgv: ['--expose-gc'] } }),
);
