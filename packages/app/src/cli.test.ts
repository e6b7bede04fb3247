import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverVersion } from './cli.js';

describe("the server entry's version", () => {
  it("is the app package's version", () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(serverVersion()).toBe(manifest.version);
    expect(serverVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
