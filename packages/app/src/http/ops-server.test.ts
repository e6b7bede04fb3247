import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { OpsServer } from './ops-server.js';

let servers: OpsServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function startOps(isReady = () => true): Promise<number> {
  const server = new OpsServer({ host: '127.0.0.1', port: 0, registry: new Registry(), isReady });
  servers.push(server);
  return server.listen();
}

/** One request, redirects not followed (as Prometheus sees the first answer). */
function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number | undefined; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, location: response.headers.location }));
    })
      .on('error', reject)
      .end();
  });
}

describe('OpsServer', () => {
  it('redirects every other path to /metrics with a 301, as the Rust exporter does', async () => {
    const port = await startOps();
    for (const path of ['/', '/index.html', '/metrics/', '/foo?x=1']) {
      expect(await get(port, path)).toEqual({ status: 301, location: '/metrics' });
    }
    expect(await get(port, '/', 'HEAD')).toEqual({ status: 301, location: '/metrics' });
  });

  it('answers /metrics, /healthz and /readyz', async () => {
    let ready = false;
    const port = await startOps(() => ready);
    expect(await get(port, '/metrics')).toEqual({ status: 200, location: undefined });
    expect(await get(port, '/healthz?probe=1')).toEqual({ status: 200, location: undefined });
    expect((await get(port, '/readyz')).status).toBe(503);
    ready = true;
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('follows to the metrics when a scraper asks /', async () => {
    const port = await startOps();
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.url).toBe(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
  });
});

describe('POST /drain', () => {
  it('starts a drain, and only on POST', async () => {
    let drains = 0;
    const server = new OpsServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      isReady: () => true,
      requestDrain: () => drains++,
    });
    servers.push(server);
    const port = await server.listen();
    expect((await get(port, '/drain')).status).toBe(405);
    expect(drains).toBe(0);
    expect((await get(port, '/drain', 'POST')).status).toBe(202);
    expect(drains).toBe(1);
  });

  it('answers 404 where draining is not wired', async () => {
    const port = await startOps();
    expect((await get(port, '/drain', 'POST')).status).toBe(404);
  });
});
