import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

const rustExample = fileURLToPath(new URL('../../test-resources/rust-example-config.yml', import.meta.url));

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

describe('loadConfig', () => {
  it('needs no file: standalone defaults are the Rust documented values', () => {
    const config = loadConfig([], {});
    expect(config.mode).toBe('standalone');
    expect(config.server).toMatchObject({ port: 15_000, websocket_port: 15_001, prometheus_port: 8_001 });
    expect(config.replay).toMatchObject({ delay_s: 300, update_interval_s: 1, merge_quorum_size: 2 });
    expect(config.storage.vault_path).toBe('./data/replays');
    expect(config.storage.spool_path).toBe('data/spool');
    expect(Object.isFrozen(config.replay)).toBe(true);
  });

  it("reads the Rust server's config file unchanged, in FAF mode, with RS_DB_PASSWORD", () => {
    const config = loadConfig([], { RS_CONFIG_FILE: rustExample, RS_DB_PASSWORD: 'banana' });
    expect(config.mode).toBe('faf');
    expect(config.database).toMatchObject({
      host: 'localhost',
      name: 'faf',
      password: 'banana',
      pool_size: 8,
    });
    expect(config.storage).toMatchObject({ vault_path: '/tmp/foo', compression_level: 10 });
    expect(config.replay.time_with_zero_writers_to_end_replay_s).toBe(30);
  });

  it('lets flags override the environment, which overrides the file', () => {
    const file = configFile('replay:\n  delay_s: 100\nstorage:\n  vault_path: /srv/vault\n');
    const config = loadConfig(
      ['--config', file, '--replay.delay_s=10', '--storage.spool_path', '/srv/spool'],
      {
        RS_REPLAY_DELAY_S: '50',
        RS_REPLAY_UPDATE_INTERVAL_S: '0.5',
      },
    );
    expect(config.replay.delay_s).toBe(10);
    expect(config.replay.update_interval_s).toBe(0.5);
    expect(config.storage).toMatchObject({ vault_path: '/srv/vault', spool_path: '/srv/spool' });
  });

  it('disables the port a Rust config omits, as the Rust server does', () => {
    const config = loadConfig(['--config', configFile('server:\n  port: 15000\n')], {});
    expect(config.server).toMatchObject({ port: 15_000, websocket_port: null });
  });

  it.each([
    [['--replay.delay_s=0'], 'replay.delay_s'],
    [['--replay.delay_s=-10'], 'replay.delay_s'],
    [['--server.port=70000'], 'server.port'],
    [['--replay.merge_quorum_size=-10'], 'replay.merge_quorum_size'],
    [['--replay.forced_timeout_s=bar'], 'replay.forced_timeout_s'],
    [['--log.level=foo'], 'log.level'],
    [['--server.nonsense=1'], 'server'],
    [['--server.port=null', '--server.websocket_port=null'], 'at least one of server.port'],
    [['--replay.delay_s'], 'needs a value'],
    [['serve'], 'unexpected argument'],
  ])('rejects %j naming the key', (argv, key) => {
    expect(problemOf(() => loadConfig(argv, {}))).toContain(key);
  });

  it('has a default for each key that issue 10 and 11 add', () => {
    const config = loadConfig([], {});
    expect(config.server).toMatchObject({
      max_connections: null,
      websocket_allowed_origins: null,
      shutdown_cut_grace_s: 5,
    });
    expect(config.replay).toMatchObject({
      max_stream_bytes: 268_435_456,
      require_known_player: false,
      remembered_ended_replays: 100_000,
    });
    expect(config.storage).toMatchObject({
      io_timeout_s: 60,
      spool_retry_interval_s: 60,
      save_retry_initial_s: 1,
      save_retry_max_s: 60,
    });
  });

  it.each([
    [['--server.max_connections=0'], 'server.max_connections'],
    [['--server.max_connections=1.5'], 'server.max_connections'],
    [['--replay.max_stream_bytes=0'], 'replay.max_stream_bytes'],
    [['--storage.io_timeout_s=0'], 'storage.io_timeout_s'],
    [['--storage.save_retry_initial_s=10', '--storage.save_retry_max_s=5'], 'storage.save_retry_max_s'],
    [['--server.websocket_allowed_origins=[1]'], 'server.websocket_allowed_origins'],
    [['--replay.require_known_player=yes'], 'replay.require_known_player'],
  ])('validates the new key in %j', (argv, key) => {
    expect(problemOf(() => loadConfig(argv, {}))).toContain(key);
  });

  it('names the file it cannot read', () => {
    expect(problemOf(() => loadConfig([], { RS_CONFIG_FILE: '/nonexistent/config.yml' }))).toContain(
      '/nonexistent/config.yml',
    );
  });
});
