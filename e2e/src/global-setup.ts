import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The e2e suites run the built app, as `main` runs it: build it first (a no-op when up to date). */
export function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
