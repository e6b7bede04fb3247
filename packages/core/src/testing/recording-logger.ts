import type { Logger } from '../ports/logger.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line (with its bindings merged in) for assertions. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[];
  readonly #bindings: Record<string, unknown>;

  constructor(lines: LogLine[] = [], bindings: Record<string, unknown> = {}) {
    this.lines = lines;
    this.#bindings = bindings;
  }

  debug(fields: object, message: string): void {
    this.#push('debug', fields, message);
  }
  info(fields: object, message: string): void {
    this.#push('info', fields, message);
  }
  warn(fields: object, message: string): void {
    this.#push('warn', fields, message);
  }
  error(fields: object, message: string): void {
    this.#push('error', fields, message);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.lines, { ...this.#bindings, ...bindings });
  }

  /** Lines whose message contains `text`. */
  find(text: string): LogLine[] {
    return this.lines.filter((line) => line.message.includes(text));
  }

  #push(level: LogLine['level'], fields: object, message: string): void {
    this.lines.push({ level, message, fields: { ...this.#bindings, ...fields } });
  }
}
