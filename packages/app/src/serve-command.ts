import { pino } from 'pino';
import { ConfigError, loadConfig } from './config/load-config.js';
import { startServer } from './start-server.js';

const usage = `Usage: faf-replay serve [--config file.yml] [--section.key=value ...]

Runs the live replay server. Every config key can be given as a flag (--replay.delay_s=10),
as an environment variable (RS_REPLAY_DELAY_S=10) or in the YAML file named by --config or
RS_CONFIG_FILE (the Rust server's file works unchanged). RS_DB_PASSWORD sets the database
password. Without a database section the server runs standalone. See the README.`;

/**
 * The server process: start, then on SIGTERM or SIGINT shut down gracefully and exit 0. An
 * exception that escapes everything is a bug: it is logged, live replays are still saved (or
 * spooled), and the process exits 1.
 */
export async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`faf-replay: ${error.message}\n`);
    return 2;
  }
  let server;
  try {
    server = await startServer(config);
  } catch (error) {
    pino({ base: { service: 'faf-replay-server' } }, pino.destination(2)).fatal(
      { err: error },
      'could not start',
    );
    return 1;
  }
  const running = server;
  const exitCode = await new Promise<number>((resolve) => {
    const stop = (code: number): void =>
      void running.stop().then(
        () => resolve(code),
        () => resolve(1),
      );
    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));
    process.once('uncaughtException', (error) => {
      process.stderr.write(
        `faf-replay: uncaught exception, shutting down: ${error.stack ?? String(error)}\n`,
      );
      stop(1);
    });
  });
  return exitCode;
}
