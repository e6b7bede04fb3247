import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema } from './config-schema.js';
import type { Config } from './config-schema.js';

/** A configuration problem, with a message that names the key. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

type Tree = Record<string, unknown>;
const sections = ['server', 'database', 'storage', 'replay', 'log'] as const;

/**
 * Builds the configuration from, in rising priority: defaults, the YAML file named by
 * `--config` or `RS_CONFIG_FILE`, environment variables `RS_<SECTION>_<KEY>` (and
 * `RS_DB_PASSWORD`), and `--section.key=value` flags. Validates it and freezes it.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const flags = parseFlags(argv);
  const file = flags.file ?? env['RS_CONFIG_FILE'];
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const tree: Tree = structuredClone(fromFile);
  applyPortCompatibility(tree, fromFile);
  for (const [path, value] of [...envOverrides(env), ...flags.overrides]) setPath(tree, path, value);
  tree['mode'] ??= inferMode(fromFile, env);
  for (const section of sections) tree[section] ??= {};
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
  return deepFreeze({ ...config, storage: { ...config.storage, spool_path: spoolPath } });
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a YAML mapping`);
  }
  return parsed as Tree;
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

/** FAF mode when the file has a database section or a database password is given (a Rust config). */
function inferMode(fromFile: Tree, env: NodeJS.ProcessEnv): 'standalone' | 'faf' {
  return fromFile['database'] !== undefined || env['RS_DB_PASSWORD'] !== undefined ? 'faf' : 'standalone';
}

function envOverrides(env: NodeJS.ProcessEnv): [string[], unknown][] {
  const overrides: [string[], unknown][] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith('RS_')) continue;
    if (name === 'RS_DB_PASSWORD') {
      overrides.push([['database', 'password'], raw]);
      continue;
    }
    if (name === 'RS_MODE') overrides.push([['mode'], raw]);
    const rest = name.slice(3).toLowerCase();
    const section = sections.find((s) => rest.startsWith(`${s}_`));
    if (section !== undefined) overrides.push([[section, rest.slice(section.length + 1)], parseScalar(raw)]);
  }
  return overrides;
}

function parseFlags(argv: readonly string[]): { file: string | undefined; overrides: [string[], unknown][] } {
  let file: string | undefined;
  const overrides: [string[], unknown][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument "${arg}" (flags look like --replay.delay_s=10)`);
    const [name, inline] = splitOnce(arg.slice(2), '=');
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
    if (name === 'config') file = value;
    else if (name === 'mode') overrides.push([['mode'], value]);
    else if (name.includes('.')) overrides.push([name.split('.'), parseScalar(value)]);
    else throw new ConfigError(`unknown flag --${name} (flags look like --section.key=value)`);
  }
  return { file, overrides };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Flag and environment values are YAML scalars: `10` is a number, `true` a boolean, `null` null. */
function parseScalar(raw: string): unknown {
  try {
    const value: unknown = parseYaml(raw);
    return typeof value === 'object' && value !== null ? raw : value;
  } catch {
    return raw;
  }
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
