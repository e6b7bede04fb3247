import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { CliError, usageError } from './cli-error.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

const DEFAULT_HOST = '127.0.0.1';

/** `host:port`, `[::1]:15000`, or a bare `15000` (this machine). */
export function parseServerAddress(text: string): ServerAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw usageError(`"${text}" is not a server address (host:port, e.g. 127.0.0.1:15000)`);
  }
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? DEFAULT_HOST : host, port };
}

export function formatServerAddress(address: ServerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Opens a TCP connection, bounded by `timeoutMs`. Failing to reach the server is the user's
 * `CliError`, naming the address and why.
 */
export function connectTcp(
  address: ServerAddress,
  timeoutMs = 10_000,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port, timeout: timeoutMs, signal });
    const fail = (reason: string, cause?: unknown): void => {
      socket.destroy();
      const message = `cannot connect to ${formatServerAddress(address)}: ${reason}`;
      reject(new CliError('SERVER_UNREACHABLE', message, { cause }));
    };
    socket.once('connect', () => {
      socket.removeAllListeners('timeout').removeAllListeners('error').setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(describeSocketError(error), error));
  });
}

export function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running, on this port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EPIPE':
      return 'the server closed the connection';
    case 'ABORT_ERR':
      return 'interrupted';
    default:
      return error.message;
  }
}
