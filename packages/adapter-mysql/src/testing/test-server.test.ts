import { describe, expect, it } from 'vitest';
import { findTestServer, parseServerUrl } from './test-server.js';

const noDocker = () => Promise.resolve(undefined);

describe('findTestServer', () => {
  it('takes the server from E2E_MYSQL_URL', async () => {
    const lookup = await findTestServer({ E2E_MYSQL_URL: 'mysql://root@127.0.0.1:3306' }, noDocker);
    expect(lookup).toEqual({
      available: true,
      server: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    });
  });

  it('uses the container where Docker runs', async () => {
    const server = { host: 'localhost', port: 32768, user: 'root', password: 'x' };
    expect(await findTestServer({}, () => Promise.resolve(server))).toEqual({ available: true, server });
  });

  it('fails loudly without a server when REQUIRE_MYSQL=1', async () => {
    await expect(findTestServer({ REQUIRE_MYSQL: '1' }, noDocker)).rejects.toThrow(/REQUIRE_MYSQL=1/);
  });

  it('otherwise gives a reason to skip', async () => {
    const lookup = await findTestServer({}, noDocker);
    expect(lookup).toEqual({ available: false, reason: expect.stringContaining('E2E_MYSQL_URL') as unknown });
  });
});

describe('parseServerUrl', () => {
  it('reads credentials, host and port, with defaults', () => {
    expect(parseServerUrl('mariadb://faf%40x:p%3Ass@db.local:3307')).toEqual({
      host: 'db.local',
      port: 3307,
      user: 'faf@x',
      password: 'p:ss',
    });
    expect(parseServerUrl('mysql://[::1]')).toEqual({ host: '::1', port: 3306, user: 'root', password: '' });
  });

  it('rejects other schemes', () => {
    expect(() => parseServerUrl('postgres://root@localhost')).toThrow(/mysql:\/\//);
  });
});
