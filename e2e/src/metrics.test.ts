import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { collectGame, ReplayWriter } from '@faf-replay/client';

const example = fixture(fixtureFacts.example.file);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function startApp(): Promise<AppProcess> {
  const app = await AppProcess.start(testFlags(tempDataDir()));
  apps.push(app);
  return app;
}

/** Polls /metrics until it holds every sample given (`name{labels} value` as exported), with a bound. */
async function waitForMetrics(
  app: AppProcess,
  samples: readonly string[],
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await app.metrics();
    const lines = new Set(text.split('\n'));
    if (samples.every((sample) => lines.has(sample))) return text;
    if (Date.now() > deadline) {
      const missing = samples.filter((sample) => !lines.has(sample));
      throw new Error(`metrics lack ${missing.join(', ')}`);
    }
    await delay(50);
  }
}

describe('the ops port, as Prometheus meets it', () => {
  it("redirects every other path to /metrics (FAF's manifest scrapes '/'), with every label value at 0", async () => {
    const app = await startApp();
    const root = await fetch(`http://127.0.0.1:${app.ports.metrics}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([301, '/metrics']);
    const followed = await fetch(`http://127.0.0.1:${app.ports.metrics}/`);
    const metrics = await followed.text();
    expect(followed.status).toBe(200);
    expect(metrics).toContain('replayserver_served_connections_total{result="No replay matched"} 0');
    expect(metrics).toContain('replayserver_connection_results_total{role="writer",result="I/O error"} 0');
    expect(metrics).toContain('replayserver_refused_connections_total{reason="max_connections"} 0');
  });

  it('counts an attached writer that ends with an I/O error as Success, as the Rust server does', async () => {
    const app = await startApp();
    const writer = await ReplayWriter.connect(app.tcp, { gameId: 5400, stream: example });
    writer.sendUpTo(5_000);
    await app.waitForLog((line) => line.msg === 'Replay 5400 started');
    writer.reset();
    await collectGame(app.tcp, { gameId: 5401 });
    await waitForMetrics(app, [
      'replayserver_served_connections_total{result="Success"} 1',
      'replayserver_served_connections_total{result="I/O error"} 0',
      'replayserver_served_connections_total{result="No replay matched"} 1',
      'replayserver_connection_results_total{role="writer",result="I/O error"} 1',
      'replayserver_connection_results_total{role="none",result="No replay matched"} 1',
    ]);
  });
});
