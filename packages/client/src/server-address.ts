import { ClientError } from './client-error.js';

export interface TcpAddress {
  readonly transport: 'tcp';
  readonly host: string;
  readonly port: number;
}

export interface WebSocketAddress {
  readonly transport: 'websocket';
  readonly host: string;
  readonly port: number;
  /** `wss://` */
  readonly secure: boolean;
  /** The request path, `/` at least. */
  readonly path: string;
}

/** Where a replay server listens: its raw TCP port or its WebSocket endpoint. */
export type ServerAddress = TcpAddress | WebSocketAddress;

const DEFAULT_HOST = '127.0.0.1';
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:/]*)):(\d+)$/;
const BARE_PORT = /^()()(\d+)$/;

export function tcpAddress(port: number, host = DEFAULT_HOST): TcpAddress {
  return { transport: 'tcp', host, port };
}

export function websocketAddress(port: number, host = DEFAULT_HOST, path = '/'): WebSocketAddress {
  return { transport: 'websocket', host, port, secure: false, path };
}

/**
 * `host:port`, `[::1]:15000` or a bare `15000` (this machine) for raw TCP; `ws://host:port/path`
 * (or `wss://`) for WebSocket. Anything else is a `ClientError` (`ADDRESS_INVALID`).
 */
export function parseServerAddress(text: string): ServerAddress {
  if (/^wss?:\/\//i.test(text)) return parseWebSocketUrl(text);
  const match = HOST_PORT.exec(text) ?? BARE_PORT.exec(text);
  const port = Number(match?.[3]);
  if (match === null || !validPort(port)) throw invalidAddress(text);
  const host = match[1] ?? match[2] ?? '';
  return tcpAddress(port, host === '' ? DEFAULT_HOST : host);
}

function parseWebSocketUrl(text: string): WebSocketAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw invalidAddress(text, error);
  }
  const secure = url.protocol === 'wss:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  if (
    url.hostname === '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    !validPort(port)
  ) {
    throw invalidAddress(text);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { transport: 'websocket', host, port, secure, path: url.pathname };
}

/** `127.0.0.1:15000`, `[::1]:15000`, `ws://127.0.0.1:15001`: what `parseServerAddress` reads back. */
export function formatServerAddress(address: ServerAddress): string {
  const hostPort = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  if (address.transport === 'tcp') return hostPort;
  return `${address.secure ? 'wss' : 'ws'}://${hostPort}${address.path === '/' ? '' : address.path}`;
}

/** The URL a WebSocket client opens; `offset` asks the server to resume from that byte. */
export function websocketUrl(address: WebSocketAddress, offset?: number): string {
  const url = formatServerAddress({ ...address, path: '/' }) + address.path;
  return offset === undefined ? url : `${url}?offset=${offset}`;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}

function invalidAddress(text: string, cause?: unknown): ClientError {
  return new ClientError(
    'ADDRESS_INVALID',
    `"${text}" is not a server address (host:port, e.g. 127.0.0.1:15000, or ws://host:port)`,
    { cause },
  );
}
