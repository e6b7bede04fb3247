/** Where a command writes text: a terminal, a pipe, or a test's buffer. */
export interface TextOutput {
  write(text: string): unknown;
  /** True for a terminal: progress then redraws one line in place. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What a subcommand gets besides its arguments; only the CLI entry passes the real process's. */
export interface CommandContext {
  /** Results and summaries. */
  readonly stdout: TextOutput;
  /** Progress, warnings and errors. */
  readonly stderr: TextOutput;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: long-running commands stop, report what they have, and exit 130. */
  readonly signal?: AbortSignal;
}

/** A subcommand: resolves with the process's exit code. */
export type Command = (argv: readonly string[], context: CommandContext) => Promise<number>;

export const exitCodes = Object.freeze({
  ok: 0,
  /** Bad input: a missing or corrupt file, an unreachable server, a failed verification. */
  failed: 1,
  /** Bad arguments. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
});
