import { readVersions, versionText } from './cli-version.js';
import type { Command, TextOutput } from './commands/command-context.js';
import { extractCommand } from './commands/extract-command.js';
import { gamesCommand } from './commands/games-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { packCommand } from './commands/pack-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { watchCommand } from './commands/watch-command.js';

const usage = `Usage: faf-replay <command> [options]
       faf-replay [--config file.yml] [--section.key=value ...]   (serve: the server)

Commands:
  serve     run the replay server (the default)
  inspect   print what a .fafreplay or raw .scfareplay holds: headers, players, ticks, game time
  extract   write the raw replay stream held in a .fafreplay
  pack      write a .fafreplay from a raw replay stream
  watch     save a live game from a server, as a watcher does (TCP, WebSocket or HTTP)
  games     list the live games of a server's HTTP API
  simulate  play recorded games against a server as writers, with readers that verify
  help      this list; "faf-replay help <command>" shows a command's options
  version   the version (also --version, -V)

Run "faf-replay help <command>" (or "faf-replay <command> --help") for a command's options.`;

const commands: ReadonlyMap<string, Command> = new Map([
  ['inspect', inspectCommand],
  ['extract', extractCommand],
  ['pack', packCommand],
  ['watch', watchCommand],
  ['games', gamesCommand],
  ['simulate', simulateCommand],
]);

const helpWords: ReadonlySet<string> = new Set(['help', '--help', '-h']);
const versionWords: ReadonlySet<string> = new Set(['version', '--version', '-V']);

/** Where the CLI writes; the process's streams unless a test gives its own. */
export interface CliOutput {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

/** The `faf-replay` command line; resolves with the process's exit code. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CliOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  // `pnpm start -- --flag` passes its `--` along (npm drops it): it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  // The server's flags go without a command: `faf-replay --config file.yml` serves.
  if (command === undefined) return serveCommand(args, env);
  if (helpWords.has(command)) return help(rest, env, output);
  if (versionWords.has(command)) {
    output.stdout.write(`${versionText(readVersions())}\n`);
    return 0;
  }
  if (command.startsWith('--')) return serveCommand(args, env);
  if (command === 'serve') return serveCommand(rest, env);
  const subcommand = commands.get(command);
  if (subcommand !== undefined) return runInterruptible(subcommand, rest, env, output);
  return unknownCommand(command, output);
}

/** `faf-replay help [command]`: the list of commands, or one command's own help. */
function help(argv: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  const [command] = argv;
  if (command === undefined || helpWords.has(command) || versionWords.has(command)) {
    output.stdout.write(`${usage}\n`);
    return Promise.resolve(0);
  }
  if (command === 'serve') return serveCommand(['--help'], env);
  const subcommand = commands.get(command);
  if (subcommand === undefined) return unknownCommand(command, output);
  return subcommand(['--help'], { ...output, env });
}

/**
 * The server, loaded only to serve: the app (fastify, mysql2, pino) takes about a second of CPU
 * to load, which the client tools and `--version` need not wait for.
 */
async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const app = await import('@faf-replay/app');
  return app.serveCommand(argv, env);
}

function unknownCommand(command: string, output: CliOutput): Promise<number> {
  output.stderr.write(`faf-replay: unknown command "${command}"\n\n${usage}\n`);
  return Promise.resolve(2);
}

/** The first Ctrl-C asks the command to stop and report; a second one ends the process as usual. */
async function runInterruptible(
  command: Command,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CliOutput,
): Promise<number> {
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    return await command(argv, { ...output, env, signal: interrupt.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
