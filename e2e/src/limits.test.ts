import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';

// server.max_connections (issue 10): beyond it, connections are refused at once, with a warning
// and a metric, while the ops endpoints keep answering.

let apps: AppProcess[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

/** Opens a connection that sends nothing; resolves once connected, and `closed` when the server closes it. */
function idleConnection(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      resolve({ closed: new Promise((done) => socket.once('close', () => done())) });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    socket.resume();
    sockets.push(socket);
  });
}

describe('connection limit', () => {
  it('refuses connections beyond server.max_connections at once, logs and counts them, and keeps /healthz answering', async () => {
    const app = await AppProcess.start([...testFlags(tempDataDir()), '--server.max_connections=3']);
    apps.push(app);
    const held = await Promise.all([1, 2, 3].map(() => idleConnection(app.ports.tcp)));
    const refused = await idleConnection(app.ports.tcp);
    await refused.closed;
    await app.waitForLog((line) =>
      line.msg.startsWith('Refused 1 connection(s) at server.max_connections (3)'),
    );
    expect((await fetch(`http://127.0.0.1:${app.ports.metrics}/healthz`)).status).toBe(200);
    expect(await app.metrics()).toContain(
      'replayserver_refused_connections_total{reason="max_connections"} 1',
    );
    expect(held).toHaveLength(3);
  });
});
