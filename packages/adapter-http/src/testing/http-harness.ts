import { CoreHarness } from '@faf-replay/core/testing';
import type { CoreHarnessOptions } from '@faf-replay/core/testing';
import { HttpApiServer } from '../http-api-server.js';
import type { HttpApiServerOptions } from '../http-api-options.js';

export interface HttpHarnessOptions {
  readonly core?: CoreHarnessOptions;
  readonly http?: Partial<Omit<HttpApiServerOptions, 'directory' | 'port' | 'host'>>;
}

/**
 * The whole core on a manual clock (`CoreHarness`: pipe connections, in-memory vault) behind a
 * real `HttpApiServer` on a loopback port: tests speak real HTTP to it.
 */
export class HttpHarness {
  readonly core: CoreHarness;
  readonly server: HttpApiServer;
  readonly base: string;

  private constructor(core: CoreHarness, server: HttpApiServer, base: string) {
    this.core = core;
    this.server = server;
    this.base = base;
  }

  static async start(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
    const core = new CoreHarness(options.core);
    const server = new HttpApiServer({
      rateLimit: false,
      pollIntervalMs: 20,
      ...options.http,
      host: '127.0.0.1',
      port: 0,
      directory: core.service.directory,
      clock: core.clock,
    });
    const { port } = await server.listen();
    return new HttpHarness(core, server, `http://127.0.0.1:${port}`);
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  fetch(path: string, init?: RequestInit): Promise<Response> {
    return fetch(this.url(path), init);
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.fetch(path);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** A writer of game `gameId` that sends `bytes` at once. */
  play(gameId: bigint, bytes: Uint8Array, name = 'player'): ReturnType<CoreHarness['connect']> {
    const writer = this.core.connect(`P/${gameId}/${name}\0`);
    writer.client.send(bytes);
    return writer;
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.core.service.shutdown();
  }
}
