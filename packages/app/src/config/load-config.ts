import { dirname, join } from 'node:path';
import { ConfigError } from './config-error.js';
import { readConfigFile, withKnownKeysOnly } from './config-file.js';
import type { Tree } from './config-file.js';
import { configKeys } from './config-keys.js';
import { configSchema } from './config-schema.js';
import type { Config } from './config-schema.js';
import { parseConfigValue } from './parse-config-value.js';
import { logLevelFromRustLog } from './rust-log-level.js';

export { ConfigError } from './config-error.js';

/** The configuration, and what was wrong with it without stopping the server (to be logged). */
export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

interface Override {
  readonly path: readonly string[];
  readonly value: unknown;
}

interface Flags {
  readonly file: string | undefined;
  readonly strict: boolean;
  readonly overrides: readonly Override[];
}

/** `readConfig` without its warnings. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  return readConfig(argv, env).config;
}

/**
 * Builds the configuration from, in rising priority: defaults, the YAML file named by
 * `--config` or `RS_CONFIG_FILE`, environment variables `RS_<SECTION>_<KEY>` (and
 * `RS_DB_PASSWORD`, `RS_MODE`), and `--section.key=value` flags; `RUST_LOG` sets the log level
 * when nothing else does. Validates it and freezes it. Unknown keys in the file or the
 * environment are warnings (errors with `--strict-config`); an unknown flag is an error.
 */
export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): LoadedConfig {
  const flags = parseFlags(argv);
  const file = flags.file ?? env['RS_CONFIG_FILE'];
  const warnings: string[] = [];
  const fromFile = file === undefined ? {} : withKnownKeysOnly(readConfigFile(file), `in ${file}`, warnings);
  const tree: Tree = structuredClone(fromFile);
  applyPortCompatibility(tree, fromFile);
  const overrides = [...envOverrides(env, warnings), ...flags.overrides];
  for (const { path, value } of overrides) setPath(tree, path, value);
  tree['mode'] ??= inferMode(fromFile, overrides);
  applyRustLog(tree, env, warnings);
  for (const section of configKeys.sections) tree[section] ??= {};
  const config = validate(tree, file);
  warnings.push(...modeWarnings(config));
  if (flags.strict && warnings.length > 0) {
    throw new ConfigError(`--strict-config: the configuration has problems:\n  ${warnings.join('\n  ')}`);
  }
  return { config, warnings };
}

function validate(tree: Tree, file: string | undefined): Config {
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(
      `invalid configuration${file === undefined ? '' : ` (${file})`}:\n  ${problems.join('\n  ')}`,
    );
  }
  const config = parsed.data;
  const spoolPath = config.storage.spool_path ?? join(dirname(config.storage.vault_path), 'spool');
  const livePath =
    config.storage.live_path === undefined
      ? join(dirname(config.storage.vault_path), 'live')
      : config.storage.live_path;
  return deepFreeze({
    ...config,
    storage: { ...config.storage, spool_path: spoolPath, live_path: livePath },
  });
}

/**
 * The Rust server makes both ports optional: a file that sets only one of them disables the
 * other. Defaults enable both only when the file sets neither.
 */
function applyPortCompatibility(tree: Tree, fromFile: Tree): void {
  const server = fromFile['server'];
  if (typeof server !== 'object' || server === null) return;
  const keys = Object.keys(server);
  if (keys.includes('port') && !keys.includes('websocket_port'))
    setPath(tree, ['server', 'websocket_port'], null);
  if (keys.includes('websocket_port') && !keys.includes('port')) setPath(tree, ['server', 'port'], null);
}

/** FAF mode when any `database.*` setting is given, from any source (a Rust config has one). */
function inferMode(fromFile: Tree, overrides: readonly Override[]): 'standalone' | 'faf' {
  const databaseSet =
    fromFile['database'] !== undefined || overrides.some(({ path }) => path[0] === 'database');
  return databaseSet ? 'faf' : 'standalone';
}

/** `RUST_LOG`, the Rust server's only logging setting, when no source sets `log.level`. */
function applyRustLog(tree: Tree, env: NodeJS.ProcessEnv, warnings: string[]): void {
  const rustLog = env['RUST_LOG'];
  const log = tree['log'];
  const levelSet = typeof log === 'object' && log !== null && 'level' in log;
  if (rustLog === undefined || levelSet) return;
  const level = logLevelFromRustLog(rustLog);
  if (level === undefined) {
    warnings.push(`RUST_LOG=${rustLog} names no level (error, warn, info, debug, trace, off): ignored`);
    return;
  }
  setPath(tree, ['log', 'level'], level);
}

function modeWarnings(config: Config): string[] {
  if (config.mode !== 'standalone') return [];
  return (['require_known_game', 'require_known_player'] as const)
    .filter((key) => config.replay[key])
    .map((key) => `replay.${key} has no effect in standalone mode (there is no database to ask)`);
}

function envOverrides(env: NodeJS.ProcessEnv, warnings: string[]): Override[] {
  const overrides: Override[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith('RS_')) continue;
    if (name === 'RS_DB_PASSWORD') overrides.push({ path: ['database', 'password'], value: raw });
    if (name === 'RS_MODE') overrides.push({ path: ['mode'], value: raw });
    const rest = name.slice(3).toLowerCase();
    const section = configKeys.sections.find((s) => rest.startsWith(`${s}_`));
    if (section === undefined) continue;
    const path = [section, rest.slice(section.length + 1)];
    const kinds = configKeys.kindsOf(path);
    if (kinds === undefined)
      warnings.push(`unknown key ${path.join('.')} in environment variable ${name}: ignored`);
    else overrides.push({ path, value: parseConfigValue(raw, kinds) });
  }
  return overrides;
}

function parseFlags(argv: readonly string[]): Flags {
  let file: string | undefined;
  let strict = false;
  const overrides: Override[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument "${arg}" (flags look like --replay.delay_s=10)`);
    const [name, inline] = splitOnce(arg.slice(2), '=');
    if (name === 'strict-config') {
      strict = inline === undefined || parseConfigValue(inline, new Set(['boolean'])) === true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
    if (name === 'config') file = value;
    else overrides.push(flagOverride(name, value));
  }
  return { file, strict, overrides };
}

/** Flags are this server's own (the Rust server takes none), so an unknown one is a typo: an error. */
function flagOverride(name: string, value: string): Override {
  const path = name.split('.');
  const kinds = configKeys.kindsOf(path);
  if (kinds === undefined) {
    throw new ConfigError(`unknown flag --${name} (flags look like --section.key=value; see the README)`);
  }
  return { path, value: parseConfigValue(value, kinds) };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null) node[key] = {};
    node = node[key] as Tree;
  }
  node[path.at(-1) ?? ''] = value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
