import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { connectTcp, formatServerAddress, parseServerAddress } from './server-address.js';

describe('parseServerAddress', () => {
  it.each([
    ['127.0.0.1:15000', { host: '127.0.0.1', port: 15_000 }],
    ['replays.faforever.com:15000', { host: 'replays.faforever.com', port: 15_000 }],
    ['[::1]:15001', { host: '::1', port: 15_001 }],
    ['15000', { host: '127.0.0.1', port: 15_000 }],
    [':15000', { host: '127.0.0.1', port: 15_000 }],
  ])('reads %s', (text, address) => {
    expect(parseServerAddress(text)).toEqual(address);
  });

  it.each(['', 'localhost', 'host:0', 'host:70000', 'host:port', '::1:15000'])('rejects %j', (text) => {
    expect(() => parseServerAddress(text)).toThrow(/is not a server address/);
  });

  it('prints IPv6 hosts in brackets', () => {
    expect(formatServerAddress({ host: '::1', port: 1 })).toBe('[::1]:1');
  });
});

describe('connectTcp', () => {
  it('connects to a listening port', async () => {
    const server = createServer((socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = await connectTcp({ host: '127.0.0.1', port });
    const received = await new Promise<string>((resolve) =>
      socket.once('data', (data) => resolve(String(data))),
    );
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(received).toBe('hi');
  });

  it('says clearly that a closed port refuses', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await connectTcp({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      code: 'SERVER_UNREACHABLE',
      message: `cannot connect to 127.0.0.1:${port}: connection refused (is the server running, on this port?)`,
    });
  });
});
