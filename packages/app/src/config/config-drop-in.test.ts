import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readConfig } from './load-config.js';

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'faf-config-')), 'config.yml');
  writeFileSync(file, yaml);
  return file;
}

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('a config that starts the Rust server starts this one', () => {
  const withExtras =
    'server:\n  port: 15000\n  tls_cert: /x\nmetrics:\n  enabled: true\nreplay:\n  delay_s: 60\n';

  it('warns of unknown YAML keys, naming each, and starts', () => {
    const file = configFile(withExtras);
    const { config, warnings } = readConfig(['--config', file], {});
    expect(config.replay.delay_s).toBe(60);
    expect(warnings).toEqual([
      `unknown key server.tls_cert in ${file}: ignored`,
      `unknown key metrics in ${file}: ignored`,
    ]);
  });

  it('warns of a stray RS_<SECTION>_* environment variable and starts', () => {
    const { config, warnings } = readConfig([], { RS_SERVER_WORKERS: '4', RS_REPLAY_DELAY_S: '20' });
    expect(config.replay.delay_s).toBe(20);
    expect(warnings).toEqual([
      'unknown key server.workers in environment variable RS_SERVER_WORKERS: ignored',
    ]);
  });

  it('turns the warnings into an error with --strict-config', () => {
    const file = configFile(withExtras);
    const message = problemOf(() => readConfig(['--strict-config', '--config', file], {}));
    expect(message).toContain('server.tls_cert');
    expect(message).toContain('metrics');
    expect(problemOf(() => readConfig(['--strict-config'], { RS_SERVER_WORKERS: '4' }))).toContain(
      'RS_SERVER_WORKERS',
    );
    expect(readConfig(['--strict-config=false', '--config', file], {}).warnings).toHaveLength(2);
  });

  it('keeps refusing an unknown flag: flags are our own, a typo there is an error', () => {
    expect(problemOf(() => readConfig(['--replay.delay=10'], {}))).toContain('--replay.delay');
  });

  it('warns when a FAF-only option is set in standalone mode', () => {
    const { warnings } = readConfig(['--replay.require_known_player=true'], {});
    expect(warnings).toEqual([
      'replay.require_known_player has no effect in standalone mode (there is no database to ask)',
    ]);
  });
});

describe('RUST_LOG', () => {
  it.each([
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'info'],
    ['DEBUG', 'debug'],
    ['trace', 'trace'],
    ['off', 'silent'],
    ['faf_rust_replayserver=debug', 'debug'],
    ['replay_server=debug', 'debug'],
    ['warn,faf_rust_replayserver=trace', 'trace'],
    ['info,tokio=trace', 'info'],
    ['sqlx=warn,hyper=debug', 'debug'],
    ['faf_rust_replayserver', 'trace'],
    ['info/some.*regex', 'info'],
  ])('RUST_LOG=%s sets log.level %s', (rustLog, level) => {
    const { config, warnings } = readConfig([], { RUST_LOG: rustLog });
    expect({ level: config.log.level, warnings }).toEqual({ level, warnings: [] });
  });

  it('gives way to log.level from any source', () => {
    expect(loadConfig(['--log.level=warn'], { RUST_LOG: 'debug' }).log.level).toBe('warn');
    expect(loadConfig([], { RUST_LOG: 'debug', RS_LOG_LEVEL: 'error' }).log.level).toBe('error');
    const file = configFile('log:\n  level: fatal\n');
    expect(loadConfig(['--config', file], { RUST_LOG: 'debug' }).log.level).toBe('fatal');
  });

  it('is a warning when it names no level', () => {
    const { config, warnings } = readConfig([], { RUST_LOG: 'verbose' });
    expect(config.log.level).toBe('info');
    expect(warnings).toEqual([
      'RUST_LOG=verbose names no level (error, warn, info, debug, trace, off): ignored',
    ]);
  });
});

describe('a YAML syntax error', () => {
  it('names the file, the line and the column', () => {
    const file = configFile('server:\n  port: 15000\n  websocket_port: [15001\nreplay:\n  delay_s: 10\n');
    const message = problemOf(() => loadConfig(['--config', file], {}));
    expect(message).toMatch(new RegExp(`^config file ${file}, line \\d+, column \\d+: YAML syntax error: `));
  });

  it('includes a duplicate key', () => {
    const file = configFile('replay:\n  delay_s: 10\n  delay_s: 20\n');
    expect(problemOf(() => loadConfig(['--config', file], {}))).toContain(`${file}, line 3, column 3`);
  });
});

describe('flag and environment values are read by the type of their key', () => {
  it('keeps strings as given', () => {
    const config = loadConfig(['--database.password=0123', '--database.user=007'], {
      RS_DATABASE_NAME: '2024',
      RS_DATABASE_HOST: 'true',
    });
    expect(config.database).toMatchObject({ password: '0123', user: '007', name: '2024', host: 'true' });
    expect(loadConfig([], { RS_DB_PASSWORD: '1e3' }).database.password).toBe('1e3');
  });

  it('parses numbers, booleans and null where the key takes them', () => {
    const config = loadConfig(
      ['--server.port=null', '--replay.require_known_game=true', '--replay.update_interval_s=.5'],
      { RS_SERVER_WEBSOCKET_PORT: '15005', RS_SERVER_MAX_CONNECTIONS: '5000' },
    );
    expect(config.server).toMatchObject({ port: null, websocket_port: 15_005, max_connections: 5_000 });
    expect(config.replay).toMatchObject({ require_known_game: true, update_interval_s: 0.5 });
  });

  it('reads a list as a, b or as a YAML flow list', () => {
    const origins = ['https://www.faforever.com', 'https://faforever.com'];
    expect(
      loadConfig([`--server.websocket_allowed_origins=${origins.join(',')}`], {}).server
        .websocket_allowed_origins,
    ).toEqual(origins);
    expect(
      loadConfig([], { RS_SERVER_WEBSOCKET_ALLOWED_ORIGINS: `[${origins.join(', ')}]` }).server
        .websocket_allowed_origins,
    ).toEqual(origins);
  });

  it('reports a value that does not fit its key against the key', () => {
    expect(problemOf(() => loadConfig(['--server.port=0x10'], {}))).toContain('server.port');
    expect(problemOf(() => loadConfig(['--replay.require_known_game=1'], {}))).toContain(
      'replay.require_known_game',
    );
  });
});

describe('FAF mode', () => {
  it.each([
    [[], { RS_DATABASE_HOST: 'db.example' }],
    [['--database.host=db.example'], {}],
    [[], { RS_DB_PASSWORD: 'x' }],
  ])('is selected by any database setting: %j %j', (argv, env) => {
    expect(loadConfig(argv, env).mode).toBe('faf');
  });

  it('is selected by a database section in the file, unless mode says otherwise', () => {
    const file = configFile('database:\n  host: db.example\n');
    expect(loadConfig(['--config', file], {}).mode).toBe('faf');
    expect(loadConfig(['--config', file, '--mode=standalone'], {}).mode).toBe('standalone');
    expect(loadConfig([], { RS_DATABASE_HOST: 'db.example', RS_MODE: 'standalone' }).mode).toBe('standalone');
  });

  it('is not selected by other settings', () => {
    expect(loadConfig(['--replay.delay_s=10'], { RS_STORAGE_VAULT_PATH: '/srv' }).mode).toBe('standalone');
  });
});
