import type { TextOutput } from './command-context.js';

export interface ProgressLineOptions {
  /** Milliseconds now; injectable for tests. */
  readonly now?: () => number;
  /** The least time between redraws on a terminal. */
  readonly terminalIntervalMs?: number;
  /** The least time between lines when the output is not a terminal (a pipe, a log file). */
  readonly plainIntervalMs?: number;
}

const CLEAR_TO_END = '\u001b[K';

/**
 * A status line on stderr: on a terminal, one line redrawn in place; elsewhere, a plain line now
 * and then, so that logs stay readable. The same text is never drawn twice in a row. Only Node
 * built-ins: a carriage return and an ANSI clear.
 */
export class ProgressLine {
  readonly #output: TextOutput;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #lastDrawMs = Number.NEGATIVE_INFINITY;
  #pending: string | null = null;
  #drawn = false;
  #lastText: string | null = null;

  constructor(output: TextOutput, options: ProgressLineOptions = {}) {
    this.#output = output;
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs =
      output.isTTY === true ? (options.terminalIntervalMs ?? 100) : (options.plainIntervalMs ?? 5_000);
  }

  /** Shows `text`, unless the last draw was too recent (the latest text then waits for the next). */
  update(text: string): void {
    this.#pending = text;
    if (this.#now() - this.#lastDrawMs >= this.#intervalMs) this.#draw();
  }

  /** Draws the latest text if it was held back, and ends the line: later output starts clean. */
  done(): void {
    if (this.#pending !== null) this.#draw();
    if (this.#drawn && this.#output.isTTY === true) this.#output.write('\n');
    this.#drawn = false;
  }

  #draw(): void {
    const text = this.#pending ?? '';
    this.#pending = null;
    this.#lastDrawMs = this.#now();
    this.#drawn = true;
    if (text === this.#lastText) return;
    this.#lastText = text;
    if (this.#output.isTTY !== true) {
      this.#output.write(`${text}\n`);
      return;
    }
    // A terminal that reports no size (0 columns, as under `script`) is taken as 80 wide.
    const columns =
      this.#output.columns !== undefined && this.#output.columns > 0 ? this.#output.columns : 80;
    const width = Math.max(columns - 1, 10);
    this.#output.write(`\r${text.length > width ? `${text.slice(0, width - 1)}…` : text}${CLEAR_TO_END}`);
  }
}

/** `[#########-----------]` for a fraction 0..1. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
