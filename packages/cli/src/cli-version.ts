import { readFileSync } from 'node:fs';

/** The versions `faf-replay --version` reports: the CLI's, and the server's (`@faf-replay/app`). */
export interface CliVersions {
  readonly cli: string;
  readonly server: string;
}

/**
 * Reads both from their packages' package.json. This file sits directly in `src/` (and `dist/`),
 * so `../package.json` is the CLI's from either; the server's is next to its resolved entry's
 * directory (`dist/index.js`, or `src/index.ts` under vitest's aliases).
 */
export function readVersions(): CliVersions {
  return {
    cli: versionIn(new URL('../package.json', import.meta.url)),
    server: versionIn(new URL('../package.json', import.meta.resolve('@faf-replay/app'))),
  };
}

/** `faf-replay 0.1.0`, plus the server's version when it differs (a mixed checkout or install). */
export function versionText(versions: CliVersions): string {
  const server = versions.server === versions.cli ? '' : ` (server ${versions.server})`;
  return `faf-replay ${versions.cli}${server}`;
}

function versionIn(packageJson: URL): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
