/** A configuration problem, with a message that names the key (or the file and line). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
