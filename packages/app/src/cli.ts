import { serveCommand } from './serve-command.js';

const usage = `Usage: faf-replay <command> [options]

Commands:
  serve     run the replay server (the default)

Run "faf-replay <command> --help" for a command's options.`;

/** The `faf-replay` command line; resolves with the process's exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command.startsWith('--')) return serveCommand(argv, env);
  if (command === 'serve') return serveCommand(rest, env);
  if (command === 'help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  process.stderr.write(`faf-replay: unknown command "${command}"\n\n${usage}\n`);
  return 2;
}
