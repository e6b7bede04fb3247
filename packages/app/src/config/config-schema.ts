import { z } from 'zod';

const seconds = z.number().positive();
const port = z.number().int().min(0).max(65_535);
const positiveInt = z.number().int().positive();
const mebibyte = 1_048_576;

/**
 * Every key of the Rust server's YAML (spec §9.1), with a default for each so that standalone
 * mode needs no file, plus this server's own keys (marked "ours").
 */
export const configSchema = z
  .object({
    /** ours: `standalone` (no database) or `faf` (the FAF database). Inferred when absent. */
    mode: z.enum(['standalone', 'faf']),
    server: z
      .object({
        /** Raw TCP port; null disables it. */
        port: port.nullable().default(15_000),
        /** WebSocket port; null disables it. */
        websocket_port: port.nullable().default(15_001),
        /** HTTP port of /metrics, /healthz and /readyz; null disables it. */
        prometheus_port: port.nullable().default(8_001),
        /** ours: the public HTTP port (live games, the delayed stream, segments, downloads, the page); null disables it. */
        http_port: port.nullable().default(15_002),
        /** Accepted for compatibility with the Rust config; one event loop serves everything. */
        worker_threads: z.number().int().positive().default(8),
        connection_accept_timeout_s: seconds.default(21_600),
        /** ours: the address to listen on; `::` is every IPv6 and IPv4 address. */
        host: z.string().min(1).default('::'),
        /** ours: kept open after the last byte to a reader, before a graceful close (spec §1.6). */
        linger_s: z.number().nonnegative().default(1),
        /** ours: a reader that cannot take data for this long is dropped. */
        slow_reader_timeout_s: seconds.default(60),
        /** ours: a WebSocket handshake must finish within this. */
        websocket_handshake_timeout_s: seconds.default(10),
        /** ours: the longest a graceful shutdown may take before remaining connections are cut. */
        shutdown_timeout_s: seconds.default(30),
        /**
         * ours: with a value > 0, SIGTERM first drains: new games are refused and live ones go on
         * until they end (or this long), then the shutdown follows. 0: SIGTERM cuts live games short.
         */
        drain_timeout_s: z.number().nonnegative().default(0),
        /** ours: after the cut at `shutdown_timeout_s`, how long replays get to finish saving. */
        shutdown_cut_grace_s: seconds.default(5),
        /**
         * ours: open replay connections beyond this are refused at once. null: computed from the
         * process's open-file limit, leaving room for files, the database and the ops port.
         */
        max_connections: positiveInt.nullable().default(null),
        /**
         * ours: WebSocket `Origin` values allowed (e.g. `https://www.faforever.com`); null allows
         * every origin.
         */
        websocket_allowed_origins: z.array(z.string().min(1)).nullable().default(null),
      })
      .strict(),
    database: z
      .object({
        pool_size: z.number().int().positive().default(8),
        host: z.string().min(1).default('localhost'),
        port: port.default(3_306),
        user: z.string().min(1).default('root'),
        name: z.string().min(1).default('faf'),
        /** Normally from the RS_DB_PASSWORD environment variable. */
        password: z.union([z.string(), z.number()]).transform(String).default(''),
        /** ours: the bound of every query. */
        query_timeout_s: seconds.default(10),
        /** ours: how often refused `game_stats` updates (kept on disk) are retried. */
        retry_interval_s: seconds.default(10),
      })
      .strict(),
    storage: z
      .object({
        vault_path: z.string().min(1).default('./data/replays'),
        compression_level: z.number().int().min(1).max(22).default(10),
        /** ours: how many replays are compressed and written at once (bounds memory when many games end together). */
        max_concurrent_saves: z.number().int().positive().default(2),
        /** ours: where replays that could not be saved before shutdown wait for the next start. */
        spool_path: z.string().min(1).optional(),
        /**
         * ours: where live games' bytes are kept as they arrive (one directory per game), so that a
         * crash or kill -9 loses at most the last fsync interval; default beside the vault. null:
         * in memory only (nothing survives the process).
         */
        live_path: z.string().min(1).nullable().optional(),
        /** ours: how often the live logs are written and fsync'ed. */
        fsync_interval_s: seconds.default(1),
        /**
         * ours: processes sharing a live path (a rolling update on a shared volume) take over the
         * games of a peer whose heartbeat is older than this.
         */
        live_owner_stale_s: seconds.default(15),
        /** ours: how often a running process looks for live games whose process stopped (0: only at start). */
        adopt_interval_s: z.number().nonnegative().default(5),
        /** ours: how often replays left in the spool are tried again. */
        spool_retry_interval_s: seconds.default(60),
        /** ours: the bound of every storage call (a vault that never answers does not hold the process). */
        io_timeout_s: seconds.default(60),
        /** ours: the first wait before a failed save is retried; it doubles up to `save_retry_max_s`. */
        save_retry_initial_s: seconds.default(1),
        /** ours: the longest wait between two attempts to save a replay. */
        save_retry_max_s: seconds.default(60),
      })
      .strict(),
    replay: z
      .object({
        forced_timeout_s: seconds.default(21_600),
        time_with_zero_writers_to_end_replay_s: seconds.default(30),
        delay_s: seconds.default(300),
        update_interval_s: seconds.default(1),
        merge_quorum_size: z.number().int().positive().default(2),
        stream_comparison_distance_b: z.number().int().positive().default(4_096),
        /** ours (FAF mode): refuse writers for games the database does not know or that ended long ago. */
        require_known_game: z.boolean().default(false),
        /** ours: with require_known_game, how long after its end time a game still takes writers. */
        known_game_max_age_after_end_s: seconds.default(3_600),
        /** ours (FAF mode): refuse a writer whose name is not a player of the game in the database. */
        require_known_player: z.boolean().default(false),
        /** ours: a writer that sends more than this is ended, keeping what it sent up to the cap. */
        max_stream_bytes: positiveInt.default(256 * mebibyte),
        /** ours: how many ended game ids are remembered, to refuse a writer re-creating one. */
        remembered_ended_replays: positiveInt.default(100_000),
      })
      .strict(),
    http: z
      .object({
        /**
         * ours: with a secret, stream, segment, download and WebSocket requests need a signed token
         * (HMAC-SHA256 over the path and the time it was issued, as FAF's user service issues them);
         * normally from the RS_HTTP_TOKEN_SECRET environment variable. null: everything is open.
         */
        token_secret: z.string().min(16).nullable().default(null),
        /** ours: how long a token is good for after it was issued. */
        token_lifetime_s: seconds.default(300),
        /** ours: where the vault is served from (a CDN, FAF's content server): downloads redirect there. */
        download_base_url: z.url().nullable().default(null),
        /** ours: requests one address may make per minute; 0 turns the limit off (behind a CDN that limits). */
        rate_limit_per_minute: z.number().int().nonnegative().default(600),
        /** ours: take client addresses from X-Forwarded-For (behind a proxy or CDN). */
        trust_proxy: z.boolean().default(false),
        /** ours: how long an ended game stays listed, with its download link. */
        ended_retention_s: z.number().nonnegative().default(600),
        /** ours: the public `host:port` of the TCP replay port, for the page's gpgnet:// lines. */
        watch_address: z.string().min(1).nullable().default(null),
      })
      .strict(),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        /** ours: `json` lines, `pretty`, or `auto` (pretty when stderr is a terminal). */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict(),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.server.port === null && config.server.websocket_port === null) {
      context.addIssue({
        code: 'custom',
        path: ['server', 'port'],
        message: 'at least one of server.port and server.websocket_port must be set',
      });
    }
    if (config.storage.save_retry_max_s < config.storage.save_retry_initial_s) {
      context.addIssue({
        code: 'custom',
        path: ['storage', 'save_retry_max_s'],
        message: 'must not be below storage.save_retry_initial_s',
      });
    }
  });

export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

/** The validated, frozen configuration (storage.spool_path and live_path resolved). */
export type Config = Readonly<
  Omit<ParsedConfig, 'storage'> & {
    storage: Readonly<
      Omit<ParsedConfig['storage'], 'spool_path' | 'live_path'> & {
        spool_path: string;
        live_path: string | null;
      }
    >;
  }
>;
