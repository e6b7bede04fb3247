import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readVersions, versionText } from './cli-version.js';

function packageVersion(relativeUrl: string): string {
  return (JSON.parse(readFileSync(new URL(relativeUrl, import.meta.url), 'utf8')) as { version: string })
    .version;
}

describe('the version', () => {
  it("reads the CLI's and the server's package versions", () => {
    expect(readVersions()).toEqual({
      cli: packageVersion('../package.json'),
      server: packageVersion('../../app/package.json'),
    });
  });

  it("names the server's version only when it differs", () => {
    expect(versionText({ cli: '0.1.0', server: '0.1.0' })).toBe('faf-replay 0.1.0');
    expect(versionText({ cli: '0.2.0', server: '0.1.0' })).toBe('faf-replay 0.2.0 (server 0.1.0)');
  });
});
