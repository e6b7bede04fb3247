import type { FileReplayLogStore, FileReplaySpool, VaultArchive } from '@faf-replay/adapter-fs';
import type { HttpApiServer } from '@faf-replay/adapter-http';
import type { ConnectionLimit } from '@faf-replay/adapter-tcp';
import type { BlockPool, Clock, Logger, ReplayService } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import type { ConnectionTracker } from '../connection-tracker.js';
import type { OpsServer } from '../http/ops-server.js';
import type { PrometheusEvents } from '../metrics/prometheus-events.js';
import type { NamedListener, ReplayServer } from '../replay-server.js';
import type { ModeParts } from './mode-parts.js';

/** A service identifier that carries the type of what it resolves to. */
export interface Token<T> {
  readonly id: symbol;
  /** Never set: it only carries `T` for the compiler. */
  readonly resolvesTo?: T;
}

function token<T>(name: string): Token<T> {
  return Object.freeze({ id: Symbol(name) });
}

/** The composition root's service identifiers: one per thing the container builds. */
export const tokens = Object.freeze({
  config: token<Config>('Config'),
  logger: token<Logger>('Logger'),
  clock: token<Clock>('Clock'),
  events: token<PrometheusEvents>('PrometheusEvents'),
  blockPool: token<BlockPool>('BlockPool'),
  archive: token<VaultArchive>('VaultArchive'),
  spool: token<FileReplaySpool>('FileReplaySpool'),
  logStore: token<FileReplayLogStore | undefined>('FileReplayLogStore'),
  mode: token<ModeParts>('ModeParts'),
  service: token<ReplayService>('ReplayService'),
  tracker: token<ConnectionTracker>('ConnectionTracker'),
  connectionLimit: token<ConnectionLimit>('ConnectionLimit'),
  http: token<HttpApiServer | undefined>('HttpApiServer'),
  listeners: token<readonly NamedListener[]>('Listeners'),
  ops: token<OpsServer | undefined>('OpsServer'),
  replayServer: token<ReplayServer>('ReplayServer'),
});
