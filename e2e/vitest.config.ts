import { defineProject, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineProject({ test: { name: 'e2e', globalSetup: ['./src/global-setup.ts'], testTimeout: 60_000 } }),
);
