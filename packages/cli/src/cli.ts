import type { Command, TextOutput } from './commands/command-context.js';
import { extractCommand } from './commands/extract-command.js';
import { gamesCommand } from './commands/games-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { packCommand } from './commands/pack-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { watchCommand } from './commands/watch-command.js';
import { serveCommand } from '@faf-replay/app';

const usage = `Usage: faf-replay <command> [options]

Commands:
  serve     run the replay server (the default)
  inspect   print what a .fafreplay or raw .scfareplay holds: headers, players, ticks, game time
  extract   write the raw replay stream held in a .fafreplay
  pack      write a .fafreplay from a raw replay stream
  watch     save a live game from a server, as a watcher does (TCP, WebSocket or HTTP)
  games     list the live games of a server's HTTP API
  simulate  play recorded games against a server as writers, with readers that verify

Run "faf-replay <command> --help" for a command's options.`;

const commands: ReadonlyMap<string, Command> = new Map([
  ['inspect', inspectCommand],
  ['extract', extractCommand],
  ['pack', packCommand],
  ['watch', watchCommand],
  ['games', gamesCommand],
  ['simulate', simulateCommand],
]);

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
  if (command === undefined || command.startsWith('--')) return serveCommand(args, env);
  if (command === 'serve') return serveCommand(rest, env);
  if (command === 'help' || command === '-h') {
    output.stdout.write(`${usage}\n`);
    return 0;
  }
  const subcommand = commands.get(command);
  if (subcommand !== undefined) return runInterruptible(subcommand, rest, env, output);
  output.stderr.write(`faf-replay: unknown command "${command}"\n\n${usage}\n`);
  return 2;
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
