import { createServer, connect } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { ListenError, TcpListener, WebSocketListener } from '@faf-replay/adapter-tcp';
import { RecordingLogger } from '@faf-replay/core/testing';
import { OpsServer } from './http/ops-server.js';
import { ReplayServer } from './replay-server.js';
import type { NamedListener, ReplayServerDeps } from './replay-server.js';

let blockers: Server[] = [];

afterEach(async () => {
  await Promise.all(blockers.map((server) => new Promise((resolve) => server.close(resolve))));
  blockers = [];
});

/** A port some other process holds. */
async function takenPort(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

interface Harness {
  readonly server: ReplayServer;
  readonly logger: RecordingLogger;
  readonly calls: string[];
  readonly ops: OpsServer;
}

type Listener = NamedListener['listener'];

interface HarnessOptions extends Partial<ReplayServerDeps> {
  readonly replaysEnd?: Promise<void>;
  readonly tcp?: Listener;
  readonly webSocket?: Listener;
  readonly unsaved?: readonly bigint[];
  /** The service's start (default: recovers nothing at once). */
  readonly serviceStart?: () => Promise<{ recoveredGames: number }>;
}

function harness(overrides: HarnessOptions = {}): Harness {
  const logger = new RecordingLogger();
  const calls: string[] = [];
  const ops = new OpsServer({ host: '127.0.0.1', port: 0, registry: new Registry(), isReady: () => true });
  let live = 1;
  const deps: ReplayServerDeps = {
    logger,
    service: {
      directory: {
        get liveGames() {
          return live;
        },
      } as ReplayServerDeps['service']['directory'],
      start: () => {
        calls.push('service started');
        return overrides.serviceStart?.() ?? Promise.resolve({ recoveredGames: 0 });
      },
      shutdown: async () => {
        calls.push('service shut down');
        await (overrides.replaysEnd ?? Promise.resolve());
        live = 0;
      },
      unsavedSettled: () => Promise.resolve(),
      giveUpUnsaved: () => overrides.unsaved ?? [],
    },
    tracker: { destroyAll: () => calls.push('destroyAll') },
    listeners: [
      {
        name: 'tcp',
        listener:
          overrides.tcp ??
          new TcpListener({ host: '127.0.0.1', port: 0 }, (connection) => connection.destroy()),
      },
      {
        name: 'websocket',
        listener:
          overrides.webSocket ??
          new WebSocketListener({ host: '127.0.0.1', port: 0 }, (connection) => connection.destroy()),
      },
    ],
    ops,
    shutdownTimeoutMs: 5_000,
    cutGraceMs: 5_000,
    startResources: () => {
      calls.push('resources started');
      return Promise.resolve();
    },
    closeResources: () => {
      calls.push('resources closed');
      return Promise.resolve();
    },
    describe: {},
    ...overrides,
  };
  return { server: new ReplayServer(deps), logger, calls, ops };
}

describe('ReplayServer.start', () => {
  it('opens the listeners while the service recovers (writers wait, none is refused), ready once it recovered', async () => {
    let recovered = (): void => undefined;
    const recovery = new Promise<{ recoveredGames: number }>((resolve) => {
      recovered = () => resolve({ recoveredGames: 3 });
    });
    const opened: string[] = [];
    const listener = (name: string): Listener => ({
      listen: () => {
        opened.push(name);
        return Promise.resolve({ host: '127.0.0.1', port: 1 });
      },
      close: () => Promise.resolve(),
    });
    const { server, logger } = harness({
      tcp: listener('tcp'),
      webSocket: listener('websocket'),
      serviceStart: () => recovery,
    });
    const starting = server.start();
    await expect.poll(() => opened).toEqual(['tcp', 'websocket']);
    expect([server.ready, logger.find('faf-replay-server listening')]).toEqual([false, []]);
    recovered();
    await starting;
    expect(server.ready).toBe(true);
    expect(logger.find('Recovered 3 live game(s) left by the previous process')).toHaveLength(1);
  });

  it('stops what it started when the TCP port is taken, and rethrows', async () => {
    const port = await takenPort();
    const tcp = new TcpListener({ host: '127.0.0.1', port }, (connection) => connection.destroy());
    const { server, calls } = harness({ tcp });
    await expect(server.start()).rejects.toBeInstanceOf(ListenError);
    expect(calls).toEqual(['resources started', 'service started', 'service shut down', 'resources closed']);
    expect(server.ready).toBe(false);
  });

  it('closes the TCP listener it opened when the WebSocket port is taken', async () => {
    const listener = new TcpListener({ host: '127.0.0.1', port: 0 }, (connection) => connection.destroy());
    let tcpPort = 0;
    const tcp: Listener = {
      listen: async () => {
        const address = await listener.listen();
        tcpPort = address.port;
        return address;
      },
      close: () => listener.close(),
    };
    const webSocket = new WebSocketListener({ host: '127.0.0.1', port: await takenPort() }, (c) =>
      c.destroy(),
    );
    const { server } = harness({ tcp, webSocket });
    await expect(server.start()).rejects.toBeInstanceOf(ListenError);
    expect(tcpPort).toBeGreaterThan(0);
    expect(await refuses(tcpPort)).toBe(true);
  });

  it('closes the ops port again when a later step fails', async () => {
    const port = await takenPort();
    const ops = new OpsServer({ host: '127.0.0.1', port: 0, registry: new Registry(), isReady: () => true });
    let opsPort = 0;
    const watched: Pick<OpsServer, 'listen' | 'close'> = {
      listen: async () => (opsPort = await ops.listen()),
      close: () => ops.close(),
    };
    const tcp = new TcpListener({ host: '127.0.0.1', port }, (connection) => connection.destroy());
    const { server } = harness({ tcp, ops: watched });
    await expect(server.start()).rejects.toThrow(`port ${port}`);
    expect(opsPort).toBeGreaterThan(0);
    expect(await refuses(opsPort)).toBe(true);
  });
});

describe('ReplayServer.stop', () => {
  it('logs "Shutdown complete" only after the last replay has ended', async () => {
    let endReplays: () => void = () => undefined;
    const replaysEnd = new Promise<void>((resolve) => (endReplays = resolve));
    const { server, logger } = harness({ replaysEnd });
    await server.start();
    const stopping = server.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.find('Shutdown complete')).toHaveLength(0);
    endReplays();
    expect(await stopping).toEqual({ complete: true, unsavedReplays: 0 });
    expect(logger.lines.at(-1)?.message).toBe('Shutdown complete');
  });

  it('gives up within the timeout and the cut grace, and reports the replays it could not save', async () => {
    const { server, logger, calls } = harness({
      replaysEnd: new Promise(() => undefined),
      shutdownTimeoutMs: 20,
      cutGraceMs: 20,
    });
    await server.start();
    expect(await server.stop()).toEqual({ complete: false, unsavedReplays: 1 });
    expect(calls).toContain('destroyAll');
    expect(logger.find('Shutdown complete')).toHaveLength(0);
    expect(logger.find('Shutdown incomplete: 1 replay(s) neither saved nor spooled')[0]?.level).toBe('error');
  });

  it('takes the count of unsaved replays from the saver when it is given', async () => {
    const { server, logger } = harness({ unsaved: [7n, 8n] });
    await server.start();
    expect(await server.stop()).toEqual({ complete: false, unsavedReplays: 2 });
    expect(logger.find('Shutdown incomplete: 2 replay(s)')).toHaveLength(1);
  });

  it('does not wait for resources that never close', async () => {
    const { server, logger } = harness({
      closeResources: () => new Promise(() => undefined),
      cutGraceMs: 20,
    });
    await server.start();
    expect(await server.stop()).toEqual({ complete: false, unsavedReplays: 0 });
    expect(logger.find('did not finish in time').map((line) => line.message)).toEqual([
      'Closing the resources did not finish in time',
      'Shutdown incomplete: some steps did not finish in time; exiting',
    ]);
  });
});
