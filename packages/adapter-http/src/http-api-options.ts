import type { Clock, GameDirectory, Logger } from '@faf-replay/core';
import type { ReplayDownloads } from './replay-downloads.js';

/** Per-client-address request limits (@fastify/rate-limit). */
export interface RateLimitOptions {
  /** Requests one address may make per window. */
  readonly max: number;
  readonly timeWindowMs: number;
}

export interface HttpApiServerOptions {
  /** Address to bind; default Node's (`::` dual-stack, or `0.0.0.0`). */
  readonly host?: string;
  /** 0 picks a free port, which `listen()` reports. */
  readonly port: number;
  readonly directory: GameDirectory;
  /** The vault, for downloads and the recent list; without it `/api/v1/replays/{id}` answers 404 (or redirects). */
  readonly downloads?: ReplayDownloads;
  /**
   * Where the vault is served from (FAF's content server): a download is then a 302 to this URL,
   * with `{id}` replaced by the game id (or `/<id>` appended when it has no `{id}`).
   */
  readonly downloadBaseUrl?: string;
  /** With a secret, stream, segment and download requests need a signed token (`HttpTokens`). */
  readonly tokenSecret?: string;
  /** How long a token is good for after it was issued. Default 300 s. */
  readonly tokenLifetimeMs?: number;
  /** Time for countdowns, `Retry-After` and tokens: the directory's clock. Default the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  readonly logger?: Logger;
  /** How often the event feed looks at the directory. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** How long an ended game stays listed with its download link. Default 10 min. */
  readonly endedRetentionMs?: number;
  /** The most ended games listed. Default 200. */
  readonly endedGamesKept?: number;
  /** How many saved replays `/api/v1/replays` lists. Default 20. */
  readonly recentReplays?: number;
  /** `max-age` of `/sync`: about one update interval. Default 1 s. */
  readonly syncMaxAgeS?: number;
  /** Default 600 requests a minute per address; `false` turns the limit off (behind a CDN that limits). */
  readonly rateLimit?: RateLimitOptions | false;
  /** Streams and event feeds one address may hold open. Default 32. */
  readonly maxOpenPerIp?: number;
  /** Streams and event feeds held open in all. Default 20_000. */
  readonly maxOpenResponses?: number;
  /** A stream viewer that takes no bytes for this long while some wait is dropped. Default 60 s. */
  readonly stallTimeoutMs?: number;
  /** Take the client address from `X-Forwarded-For` (behind a proxy or CDN): fastify's `trustProxy`. */
  readonly trustProxy?: boolean | readonly string[];
  /** The replay server's TCP address the page shows in `gpgnet://` lines; default the page's host, port 15000. */
  readonly watchAddress?: string;
}

export interface ResolvedHttpApiOptions {
  readonly now: () => number;
  readonly pollIntervalMs: number;
  readonly endedRetentionMs: number;
  readonly endedGamesKept: number;
  readonly recentReplays: number;
  readonly syncMaxAgeS: number;
  readonly rateLimit: RateLimitOptions | false;
  readonly maxOpenPerIp: number;
  readonly maxOpenResponses: number;
  readonly stallTimeoutMs: number;
}

export function resolveHttpApiOptions(options: HttpApiServerOptions): ResolvedHttpApiOptions {
  const clock = options.clock;
  return Object.freeze({
    now: clock === undefined ? Date.now : () => clock.now(),
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? 1_000),
    endedRetentionMs: positive('endedRetentionMs', options.endedRetentionMs ?? 600_000, true),
    endedGamesKept: positive('endedGamesKept', options.endedGamesKept ?? 200, true),
    recentReplays: positive('recentReplays', options.recentReplays ?? 20, true),
    syncMaxAgeS: positive('syncMaxAgeS', options.syncMaxAgeS ?? 1, true),
    rateLimit: options.rateLimit ?? { max: 600, timeWindowMs: 60_000 },
    maxOpenPerIp: positive('maxOpenPerIp', options.maxOpenPerIp ?? 32),
    maxOpenResponses: positive('maxOpenResponses', options.maxOpenResponses ?? 20_000),
    stallTimeoutMs: positive('stallTimeoutMs', options.stallTimeoutMs ?? 60_000),
  });
}

function positive(name: string, value: number, zeroAllowed = false): number {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new RangeError(
      `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${value}`,
    );
  }
  return value;
}
