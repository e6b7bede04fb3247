import { statsIndexPath, vaultReplayPath } from '@faf-replay/adapter-fs';
import { HttpApiServer, VaultDownloads } from '@faf-replay/adapter-http';
import type { Config } from '../config/config-schema.js';
import type { Resolve } from './composition.js';
import { ms } from './milliseconds.js';
import { tokens } from './tokens.js';

/** The public HTTP port (`server.http_port`): live games, the delayed stream, segments, downloads, the page. */
export function httpApi(config: Config, resolve: Resolve): HttpApiServer | undefined {
  const { server, http, storage } = config;
  if (server.http_port === null) return undefined;
  const vaultRoot = storage.vault_path;
  return new HttpApiServer({
    host: server.host,
    port: server.http_port,
    directory: resolve(tokens.service).directory,
    clock: resolve(tokens.clock),
    logger: resolve(tokens.logger).child({ component: 'http' }),
    downloads: new VaultDownloads({
      vaultRoot,
      replayPath: vaultReplayPath,
      ...(config.mode === 'standalone' ? { indexPath: statsIndexPath(vaultRoot) } : {}),
    }),
    ...(http.download_base_url === null ? {} : { downloadBaseUrl: http.download_base_url }),
    ...(http.token_secret === null ? {} : { tokenSecret: http.token_secret }),
    tokenLifetimeMs: ms(http.token_lifetime_s),
    rateLimit:
      http.rate_limit_per_minute === 0 ? false : { max: http.rate_limit_per_minute, timeWindowMs: 60_000 },
    trustProxy: http.trust_proxy,
    endedRetentionMs: ms(http.ended_retention_s),
    syncMaxAgeS: Math.max(1, Math.round(config.replay.update_interval_s)),
    ...(http.watch_address === null ? {} : { watchAddress: http.watch_address }),
  });
}
