import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** Connects a raw TCP client; rejects on a connection error (e.g. ECONNREFUSED). */
export function connectTcp(
  port: number,
  host = '127.0.0.1',
  options: { readonly allowHalfOpen?: boolean } = {},
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, ...options });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export interface ReadToEnd {
  readonly bytes: Buffer;
  /** Whether the peer's FIN arrived ('end'). */
  readonly sawEnd: boolean;
  /** A socket error (e.g. ECONNRESET), if one happened. */
  readonly error: Error | undefined;
  /** `performance.now()` when the last data chunk arrived, and when the socket closed. */
  readonly lastDataAt: number;
  readonly closedAt: number;
}

/** Reads a client socket until it closes, recording how it ended. */
export function readToEnd(socket: Socket): Promise<ReadToEnd> {
  const chunks: Buffer[] = [];
  let sawEnd = false;
  let error: Error | undefined;
  let lastDataAt = Number.NaN;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    lastDataAt = performance.now();
  });
  socket.on('end', () => {
    sawEnd = true;
  });
  socket.on('error', (cause: Error) => {
    error = cause;
  });
  return new Promise((resolve) => {
    socket.once('close', () => {
      resolve({ bytes: Buffer.concat(chunks), sawEnd, error, lastDataAt, closedAt: performance.now() });
    });
  });
}
