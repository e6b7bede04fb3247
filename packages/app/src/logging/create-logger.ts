import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config-schema.js';

/**
 * The process's logger: JSON lines on stderr, or human-readable lines when stderr is a
 * terminal (or `log.format: pretty`). Every replay and connection gets a child logger with its
 * ids, so one game's story can be filtered out of the stream.
 */
export function createLogger(log: Config['log'], destination?: DestinationStream): PinoLogger {
  const pretty = logsArePretty(log);
  const options = {
    level: log.level,
    base: { service: 'faf-replay-server' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination !== undefined) return pino(options, destination);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(options, pino.destination({ dest: 2, sync: false }));
}

/** Whether `createLogger` writes human-readable lines (through pino-pretty) rather than JSON. */
export function logsArePretty(log: Config['log']): boolean {
  return log.format === 'pretty' || (log.format === 'auto' && process.stderr.isTTY);
}
