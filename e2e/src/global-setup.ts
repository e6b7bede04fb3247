import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The e2e suites run the built app, as `main` runs it: build it first (a no-op when up to
 * date). `E2E_SKIP_BUILD=1` skips that where the caller has just built (CI).
 */
export function setup(): void {
  if (process.env['E2E_SKIP_BUILD'] === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
