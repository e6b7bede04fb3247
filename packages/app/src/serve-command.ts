import { once } from 'node:events';
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { Config } from './config/config-schema.js';
import { ConfigError, readConfig } from './config/load-config.js';
import type { LoadedConfig } from './config/load-config.js';
import { createLogger, logsArePretty } from './logging/create-logger.js';
import { ShutdownSignals } from './shutdown-signals.js';
import type { ShutdownCause } from './shutdown-signals.js';
import { exitCodeAfter, startServer } from './start-server.js';
import type { RunningServer } from './start-server.js';

const usage = `Usage: faf-replay serve [--config file.yml] [--strict-config] [--section.key=value ...]

Runs the live replay server. Every config key can be given as a flag (--replay.delay_s=10),
as an environment variable (RS_REPLAY_DELAY_S=10) or in the YAML file named by --config or
RS_CONFIG_FILE (the Rust server's file works unchanged). RS_DB_PASSWORD sets the database
password; RUST_LOG sets the log level when log.level is not set. Any database setting selects
FAF mode; without one the server runs standalone. Unknown keys in the file or the environment
are logged as warnings; --strict-config makes them errors. See the README.

Exit codes: 0 after a clean shutdown, 1 when a replay was lost or the server failed (start,
bug), 2 for a bad configuration.`;

/** How long the last log lines get to reach stderr before the process exits. */
const logFlushBoundMs = 2_000;

/**
 * The server process: start, then on SIGTERM or SIGINT shut down gracefully and exit. Exits 1
 * when a replay was lost, when the start failed (after stopping what it started), or when an
 * exception escaped everything (a bug: live replays are still saved or spooled first). Ends
 * the process itself: a save stuck on a dead database or disk must not keep it alive past the
 * shutdown's bound.
 */
export async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    loaded = readConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`faf-replay: ${error.message}\n`);
    return 2;
  }
  // JSON lines go through a destination held here, to know when the last line is written.
  const destination = logsArePretty(loaded.config.log)
    ? undefined
    : pino.destination({ dest: 2, sync: false });
  const logger = createLogger(loaded.config.log, destination);
  for (const warning of loaded.warnings) logger.warn({}, `Configuration: ${warning}`);
  const signals = new ShutdownSignals(process, logger);
  const exitCode = await serve(loaded.config, logger, signals);
  logger.info({ exitCode }, `Exiting with code ${exitCode}`);
  await logsWritten(destination);
  process.exit(exitCode);
}

async function serve(config: Config, logger: PinoLogger, signals: ShutdownSignals): Promise<number> {
  let server: RunningServer;
  try {
    server = await startServer(config, { logger, requestDrain: () => signals.requestDrain('POST /drain') });
  } catch (error) {
    logger.fatal({ err: error }, `Could not start: ${(error as Error).message}`);
    return 1;
  }
  const asked = await Promise.race([
    signals.requested.then((cause) => ({ kind: 'shutdown', cause }) as const),
    signals.drainRequested.then(() => ({ kind: 'drain' }) as const),
  ]);
  await drainFirst(asked, config, server, signals);
  const report = await server.stop();
  return signals.sawUncaughtException ? 1 : exitCodeAfter(report);
}

/**
 * A drain before the shutdown: after SIGUSR2 or `POST /drain` (no bound, though a SIGTERM then
 * bounds it by `server.drain_timeout_s`), or after SIGTERM when `server.drain_timeout_s` > 0.
 * An uncaught exception, or SIGINT (an operator at a terminal), shuts down at once.
 */
async function drainFirst(
  asked: { readonly kind: 'shutdown'; readonly cause: ShutdownCause } | { readonly kind: 'drain' },
  config: Config,
  running: RunningServer,
  signals: ShutdownSignals,
): Promise<void> {
  const timeoutMs = config.server.drain_timeout_s * 1_000;
  if (asked.kind === 'shutdown') {
    if (asked.cause === 'SIGTERM' && timeoutMs > 0) await running.server.drain(timeoutMs);
    return;
  }
  const drained = running.server.drain(undefined);
  const cause = await Promise.race([drained.then(() => undefined), signals.requested]);
  if (cause === 'SIGTERM' && timeoutMs > 0) await running.server.drain(timeoutMs);
}

/**
 * Resolves once every line logged so far has been written: the destination emits 'drain' when
 * its last write ends. Waiting matters: at exit pino writes what is buffered synchronously,
 * while a write still in flight can land after it or not at all. pino-pretty's worker is
 * flushed by pino itself at exit.
 */
async function logsWritten(destination: ReturnType<typeof pino.destination> | undefined): Promise<void> {
  if (destination === undefined) return;
  const bound = new AbortController();
  const timer = setTimeout(() => bound.abort(), logFlushBoundMs);
  await once(destination, 'drain', { signal: bound.signal }).catch(() => undefined);
  clearTimeout(timer);
}
