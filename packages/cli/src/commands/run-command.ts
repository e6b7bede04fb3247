import { parseArgs } from 'node:util';
import type { ParseArgsOptionsConfig } from 'node:util';
import { cliErrorOf, usageError } from './cli-error.js';
import type { CommandContext } from './command-context.js';

interface ParseConfig<T extends ParseArgsOptionsConfig> {
  args: string[];
  options: T;
  allowPositionals: true;
  strict: true;
}

export type ParsedCommandLine<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<ParseConfig<T>>
>;

/** `node:util` parseArgs, strict, with its complaints turned into usage errors. */
export function parseCommandLine<const T extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: T,
): ParsedCommandLine<T> {
  try {
    return parseArgs<ParseConfig<T>>({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw usageError(error.message);
    }
    throw error;
  }
}

/**
 * The frame of every subcommand: `--help` prints its usage; a `CliError` (or a client's
 * `ClientError`) becomes one line on stderr naming the command, and its exit code. Anything else
 * is a bug and propagates.
 */
export async function runCommand(
  name: string,
  usage: string,
  argv: readonly string[],
  context: CommandContext,
  body: () => Promise<number>,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    return await body();
  } catch (thrown) {
    const error = cliErrorOf(thrown);
    if (error === null) throw thrown;
    context.stderr.write(`faf-replay ${name}: ${error.message}\n`);
    if (error.code === 'USAGE') context.stderr.write(`Run "faf-replay ${name} --help" for its options.\n`);
    return error.exitCode;
  }
}

/** Exactly one positional argument per name, named in the message when some are missing or extra. */
export function positionalsOf(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) {
    throw usageError(
      `missing ${names
        .slice(positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (positionals.length > names.length) {
    throw usageError(`unexpected argument "${positionals[names.length] ?? ''}"`);
  }
  return [...positionals];
}
