import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error.js';
import { formatServerAddress, parseServerAddress, websocketAddress, websocketUrl } from './server-address.js';

describe('parseServerAddress', () => {
  it.each([
    ['127.0.0.1:15000', { transport: 'tcp', host: '127.0.0.1', port: 15_000 }],
    ['replays.faforever.com:15000', { transport: 'tcp', host: 'replays.faforever.com', port: 15_000 }],
    ['[::1]:15001', { transport: 'tcp', host: '::1', port: 15_001 }],
    ['15000', { transport: 'tcp', host: '127.0.0.1', port: 15_000 }],
    [':15000', { transport: 'tcp', host: '127.0.0.1', port: 15_000 }],
    [
      'ws://127.0.0.1:15001',
      { transport: 'websocket', host: '127.0.0.1', port: 15_001, secure: false, path: '/' },
    ],
    [
      'ws://[::1]:15001/live',
      { transport: 'websocket', host: '::1', port: 15_001, secure: false, path: '/live' },
    ],
    [
      'wss://replays.example.org',
      { transport: 'websocket', host: 'replays.example.org', port: 443, secure: true, path: '/' },
    ],
  ])('reads %s', (text, address) => {
    expect(parseServerAddress(text)).toEqual(address);
  });

  it.each([
    '',
    'localhost',
    'host:0',
    'host:70000',
    'host:port',
    '::1:15000',
    'ws://',
    'ws://h:1/?offset=3',
    'http://h:1',
  ])('rejects %j', (text) => {
    const error = thrownBy(() => parseServerAddress(text));
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'ADDRESS_INVALID' });
    expect(String(error)).toMatch(/is not a server address/);
  });

  it('prints addresses back as they are read, IPv6 hosts in brackets', () => {
    expect(formatServerAddress({ transport: 'tcp', host: '::1', port: 1 })).toBe('[::1]:1');
    for (const text of ['127.0.0.1:15000', 'ws://127.0.0.1:15001', 'wss://[::1]:443/live']) {
      expect(formatServerAddress(parseServerAddress(text))).toBe(text);
    }
  });

  it('puts a byte offset in the WebSocket URL', () => {
    expect(websocketUrl(websocketAddress(15_001))).toBe('ws://127.0.0.1:15001/');
    expect(websocketUrl(websocketAddress(15_001, '::1', '/live'), 4_096)).toBe(
      'ws://[::1]:15001/live?offset=4096',
    );
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
