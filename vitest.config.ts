import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The e2e and bench suites run the built app as `main` runs it: build once before any test.
    globalSetup: ['./e2e/src/global-setup.ts'],
    projects: ['packages/*', 'e2e', 'bench'],
  },
});
