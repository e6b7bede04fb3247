import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Whether the server takes new games (false while starting, draining and shutting down). */
  readonly isReady: () => boolean;
  /** `POST /drain`: start a drain without a timeout (as SIGUSR2 does); undefined disables it. */
  readonly requestDrain?: () => void;
}

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const text = (status: number, body: string): Reply => ({
  status,
  headers: { 'content-type': 'text/plain' },
  body,
});

/**
 * The operators' HTTP port: `/metrics` (Prometheus), `/healthz` (alive), `/readyz` (taking
 * new games), `POST /drain` (finish the live games, take no new ones, then exit). Every other path is a 301 redirect to `/metrics`, as the Rust server's exporter
 * answers: FAF's Kubernetes manifest scrapes `prometheus.io/path: '/'`.
 */
export class OpsServer {
  readonly #options: OpsServerOptions;
  readonly #server: Server;

  constructor(options: OpsServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      void this.#respond(request.url ?? '/', request.method ?? 'GET').then(({ status, headers, body }) => {
        response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body);
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #respond(url: string, method: string): Promise<Reply> {
    const path = url.split('?')[0];
    if (path === '/drain') return this.#drain(method);
    if (path === '/metrics') return this.#metrics();
    if (path === '/healthz') return text(200, 'ok\n');
    if (path === '/readyz') return this.#options.isReady() ? text(200, 'ready\n') : text(503, 'not ready\n');
    return {
      status: 301,
      headers: { location: '/metrics', 'content-type': 'text/plain' },
      body: 'see /metrics\n',
    };
  }

  #drain(method: string): Reply {
    if (method !== 'POST')
      return {
        status: 405,
        headers: { allow: 'POST', 'content-type': 'text/plain' },
        body: 'POST to drain\n',
      };
    if (this.#options.requestDrain === undefined) return text(404, 'draining is not available\n');
    this.#options.requestDrain();
    return text(202, 'draining: new games are refused; the process exits once live games end\n');
  }

  async #metrics(): Promise<Reply> {
    const { registry } = this.#options;
    try {
      return {
        status: 200,
        headers: { 'content-type': registry.contentType },
        body: await registry.metrics(),
      };
    } catch (error) {
      return text(500, `metrics failed: ${(error as Error).message}\n`);
    }
  }
}
