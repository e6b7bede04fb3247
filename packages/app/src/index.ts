export type { Config, ConfigInput } from './config/config-schema.js';
export type { LoadedConfig } from './config/load-config.js';
export { ConfigError, loadConfig, readConfig } from './config/load-config.js';
export { createLogger } from './logging/create-logger.js';
export { PrometheusEvents } from './metrics/prometheus-events.js';
export type { ReplayServer, ServerAddresses, ShutdownReport } from './replay-server.js';
export type { RunningServer, StartOptions } from './start-server.js';
export { startServer } from './start-server.js';
export { serveCommand } from './serve-command.js';
