import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';

let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function configFile(dataDir: string, yaml: string): Promise<string> {
  const file = join(dataDir, 'config.yml');
  await writeFile(file, yaml);
  return file;
}

/** A Rust server config with keys this server does not know (a newer Rust server's, a typo). */
const rustConfigWithExtras = `server:
  port: 0
  websocket_port: 0
  prometheus_port: 0
  worker_threads: 8
  tls_certificate: /etc/ssl/cert.pem
replay:
  delay_s: 1
metrics:
  enabled: true
`;

describe('the configuration, as an operator meets it', () => {
  it('starts with unknown keys and variables, logging a warning that names each', async () => {
    const dataDir = tempDataDir();
    const file = await configFile(dataDir, rustConfigWithExtras);
    const app = await AppProcess.start([...testFlags(dataDir), '--config', file], {
      RS_SERVER_WORKERS: '4',
    });
    apps.push(app);
    const warnings = app.logsMatching('Configuration: unknown key');
    expect(warnings.map((line) => [line.level, line.msg])).toEqual([
      [40, `Configuration: unknown key server.tls_certificate in ${file}: ignored`],
      [40, `Configuration: unknown key metrics in ${file}: ignored`],
      [40, 'Configuration: unknown key server.workers in environment variable RS_SERVER_WORKERS: ignored'],
    ]);
    expect(await app.stop('SIGTERM')).toBe(0);
  });

  it('refuses them with --strict-config: exit 2, naming each', async () => {
    const dataDir = tempDataDir();
    const file = await configFile(dataDir, rustConfigWithExtras);
    const app = AppProcess.launch([...testFlags(dataDir), '--config', file, '--strict-config']);
    apps.push(app);
    expect(await app.waitForExit(20_000)).toEqual({ code: 2, signal: null });
    expect(app.stderr).toContain('server.tls_certificate');
    expect(app.stderr).toContain('unknown key metrics');
  });

  it('stops at a YAML syntax error with exit 2, the file, the line and the message: no stack trace', async () => {
    const dataDir = tempDataDir();
    const file = await configFile(
      dataDir,
      'server:\n  port: 15000\n  websocket_port: [15001\nreplay:\n  delay_s: 1\n',
    );
    const app = AppProcess.launch(['--config', file]);
    apps.push(app);
    expect(await app.waitForExit(20_000)).toEqual({ code: 2, signal: null });
    expect(app.stderr).toMatch(
      new RegExp(`^faf-replay: config file ${file}, line 4, column 1: YAML syntax error: \\S`),
    );
    expect(app.stderr).not.toMatch(/^\s+at /m);
  });
});
