import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages', import.meta.url));

/**
 * The one test config every project extends: workspace packages resolve to their TypeScript
 * sources (no build needed to test), and a test that writes to the console fails.
 */
export const sharedTestConfig = defineConfig({
  resolve: {
    alias: [
      {
        find: /^@faf-replay\/([a-z-]+)\/testing$/,
        replacement: `${packagesDir}/$1/src/testing/index.ts`,
      },
      { find: /^@faf-replay\/([a-z-]+)$/, replacement: `${packagesDir}/$1/src/index.ts` },
    ],
  },
  test: {
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
