export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const fromRust: Readonly<Record<string, LogLevel>> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'trace',
  off: 'silent',
};
const verbosity: readonly LogLevel[] = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * The log level that a Rust server's `RUST_LOG` (env_logger syntax) asks for, or undefined when
 * it names none. Directives are `level` or `module=level`, comma-separated, each optionally
 * followed by `/regex`. A directive for a replay-server module (`faf_rust_replayserver=debug`)
 * wins, then a bare level; failing both, the most verbose module level is taken: one process
 * has one level.
 */
export function logLevelFromRustLog(value: string): LogLevel | undefined {
  let replayLevel: LogLevel | undefined;
  let globalLevel: LogLevel | undefined;
  let mostVerbose: LogLevel | undefined;
  for (const directive of value.split(',')) {
    const [filter = ''] = directive.split('/');
    const [target, level] = parseDirective(filter);
    if (level === undefined) continue;
    if (target === '') globalLevel = level;
    else if (target.includes('replay')) replayLevel = level;
    if (mostVerbose === undefined || verbosity.indexOf(level) > verbosity.indexOf(mostVerbose))
      mostVerbose = level;
  }
  return replayLevel ?? globalLevel ?? mostVerbose;
}

function parseDirective(filter: string): [target: string, level: LogLevel | undefined] {
  const at = filter.indexOf('=');
  if (at >= 0)
    return [
      filter.slice(0, at).trim(),
      fromRust[
        filter
          .slice(at + 1)
          .trim()
          .toLowerCase()
      ],
    ];
  const word = filter.trim();
  const level = fromRust[word.toLowerCase()];
  if (level !== undefined) return ['', level];
  // A bare module name enables everything for it; only the replay server's own counts here.
  return word.includes('replay') ? [word, 'trace'] : ['', undefined];
}
