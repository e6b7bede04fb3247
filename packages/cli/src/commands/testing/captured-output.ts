import type { CommandContext, TextOutput } from '../command-context.js';

/** A `TextOutput` that keeps what is written, for tests (which must not write to the console). */
export class CapturedOutput implements TextOutput {
  readonly isTTY: boolean;
  readonly columns = 100;
  #text = '';

  constructor(options: { isTTY?: boolean } = {}) {
    this.isTTY = options.isTTY ?? false;
  }

  write(text: string): boolean {
    this.#text += text;
    return true;
  }

  get text(): string {
    return this.#text;
  }
}

/** A command context whose outputs are captured. */
export function capturedContext(
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): CommandContext & {
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
} {
  const context = { stdout: new CapturedOutput(), stderr: new CapturedOutput(), env: options.env ?? {} };
  return options.signal === undefined ? context : { ...context, signal: options.signal };
}
