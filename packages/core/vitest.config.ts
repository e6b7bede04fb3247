import { defineProject, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// --expose-gc: the memory regression tests force collections to prove ended games are garbage.
// The merge benchmark calls `firstMismatch` (another module) a few times per 4 KiB chunk; under
// vitest each call goes through a module export getter, a few nanoseconds against the
// microseconds of the compare it makes, so vitest's warning about getter counts is off.
export default mergeConfig(
  sharedTestConfig,
  defineProject({
    test: {
      name: 'core',
      execArgv: ['--expose-gc'],
      benchmark: { suppressExportGetterWarnings: true },
    },
  }),
);
