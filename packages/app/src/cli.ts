import { readFileSync } from 'node:fs';
import { serveCommand } from './serve-command.js';

/**
 * The server process's command line (`node packages/app/dist/main.js`, as the image runs it):
 * `serve`, the default. The client tools (inspect, extract, pack, watch, simulate) are
 * `@faf-replay/cli`'s, whose `faf-replay` starts the server through `serveCommand` too.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  // `pnpm start -- --flag` passes its `--` along (npm drops it): it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  if (command === '--version' || command === '-V') return runCli(['version'], env);
  if (command === undefined || command.startsWith('-')) return serveCommand(args, env);
  if (command === 'serve') return serveCommand(rest, env);
  if (command === 'help') return serveCommand(['--help'], env);
  if (command === 'version' || command === '--version' || command === '-V') {
    process.stdout.write(`faf-replay-server ${serverVersion()}\n`);
    return 0;
  }
  process.stderr.write(
    `faf-replay-server: unknown command "${command}": this entry only serves; ` +
      `the client tools are in packages/cli ("pnpm faf-replay ${command} --help")\n`,
  );
  return 2;
}

/** This package's version, from its package.json (next to dist/ in the image too). */
export function serverVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}
