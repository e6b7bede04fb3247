import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';

// These run the built CLI as a user does: the root vitest config builds it first (global setup).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const fixturesDir = dirname(fixturePath(fixtureFacts.example.file));
const example = 'example.scfareplay';
const cliVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** This process's environment without what a package manager set for the test run itself. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key]) => !/^(npm_|INIT_CWD$|PNPM_SCRIPT_SRC_DIR$)/i.test(key),
  );
  return { ...Object.fromEntries(inherited), npm_config_update_notifier: 'false', ...extra };
}

function run(file: string, args: readonly string[], cwd: string, env = cleanEnv()): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(main))
    throw new Error(`${main} is missing: run "pnpm build" (the root vitest config does)`);
});

describe('faf-replay as a process', () => {
  it("resolves relative paths from the caller's directory (INIT_CWD) when pnpm runs it in the package", async () => {
    const env = cleanEnv({
      INIT_CWD: fixturesDir,
      npm_lifecycle_event: 'faf-replay',
      npm_package_json: `${root}package.json`,
    });
    const ran = await run(process.execPath, [main, 'inspect', example], root, env);
    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(ran.stdout).toMatch(/^example\.scfareplay: raw replay stream, 43,544 bytes$/m);
  });

  it('"pnpm faf-replay" and "pnpm --filter @faf-replay/cli faf-replay" read a path relative to where they run', async () => {
    const ran = await Promise.all(
      [[], ['--filter', '@faf-replay/cli']].map((filter) =>
        run('pnpm', ['--silent', '--dir', root, ...filter, 'faf-replay', 'inspect', example], fixturesDir),
      ),
    );
    for (const { code, stdout, stderr } of ran) {
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^example\.scfareplay: raw replay stream/m);
    }
  });

  it('"pnpm exec faf-replay" runs at the repository root', async () => {
    const ran = await run('pnpm', ['exec', 'faf-replay', '--version'], root);
    expect(ran).toEqual({ code: 0, stdout: `faf-replay ${cliVersion}\n`, stderr: '' });
  });

  it("shows serve's own help", async () => {
    const ran = await run(process.execPath, [main, 'help', 'serve'], root);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^Usage: faf-replay serve /);
  });
});
