import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Whether the server takes new connections (false while starting and shutting down). */
  readonly isReady: () => boolean;
}

/** The operators' HTTP port: `/metrics` (Prometheus), `/healthz` (alive), `/readyz` (taking connections). */
export class OpsServer {
  readonly #options: OpsServerOptions;
  readonly #server: Server;

  constructor(options: OpsServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      void this.#respond(request.url ?? '/').then(({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type }).end(body);
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

  async #respond(url: string): Promise<{ status: number; type: string; body: string }> {
    const path = url.split('?')[0];
    if (path === '/metrics') {
      try {
        return {
          status: 200,
          type: this.#options.registry.contentType,
          body: await this.#options.registry.metrics(),
        };
      } catch (error) {
        return { status: 500, type: 'text/plain', body: `metrics failed: ${(error as Error).message}\n` };
      }
    }
    if (path === '/healthz') return { status: 200, type: 'text/plain', body: 'ok\n' };
    if (path === '/readyz') {
      return this.#options.isReady()
        ? { status: 200, type: 'text/plain', body: 'ready\n' }
        : { status: 503, type: 'text/plain', body: 'not ready\n' };
    }
    return { status: 404, type: 'text/plain', body: 'not found: try /metrics, /healthz or /readyz\n' };
  }
}
