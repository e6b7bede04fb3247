import { dirname, resolve } from 'node:path';

/** The package scripts that only forward the caller's arguments to `faf-replay`. */
const FORWARDING_SCRIPT = 'faf-replay';

/**
 * The directory that relative paths on the command line are relative to. pnpm and npm run a
 * package script in its package's directory and name the caller's in `INIT_CWD`; for the
 * `faf-replay` scripts (at the root and in packages/cli), which forward the user's arguments,
 * that is where the user's paths start. Any other script keeps its directory: its own paths are
 * written relative to its package, and `INIT_CWD` is inherited by every process it starts, so
 * a process running elsewhere than the script's directory keeps its own too.
 */
export function callerDirectory(env: NodeJS.ProcessEnv, cwd: string): string {
  const initCwd = env['INIT_CWD'];
  const packageJson = env['npm_package_json'];
  if (env['npm_lifecycle_event'] !== FORWARDING_SCRIPT) return cwd;
  if (initCwd === undefined || initCwd === '' || packageJson === undefined) return cwd;
  return resolve(cwd) === dirname(resolve(packageJson)) ? resolve(initCwd) : cwd;
}
