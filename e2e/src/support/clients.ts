import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

/** A game streaming its replay over raw TCP: `P/<id>/<name>\0`, then the stream in chunks. */
export async function tcpWriter(
  port: number,
  gameId: number | bigint,
  stream: Uint8Array,
  options: { chunkBytes?: number; pauseMs?: number; end?: boolean } = {},
): Promise<Socket> {
  const socket = await openTcp(port);
  socket.write(`P/${gameId}/writer.SCFAreplay\0`);
  await sendChunks((chunk) => socket.write(chunk), stream, options);
  if (options.end !== false) socket.end();
  return socket;
}

/** A game streaming over WebSocket: the connection header as its own message, then chunks. */
export async function wsWriter(
  port: number,
  gameId: number | bigint,
  stream: Uint8Array,
  options: { chunkBytes?: number; pauseMs?: number; closeCode?: number } = {},
): Promise<WebSocket> {
  const socket = await openWebSocket(port);
  socket.send(Buffer.from(`P/${gameId}/writer.SCFAreplay\0`));
  await sendChunks((chunk) => socket.send(chunk), stream, options);
  socket.close(options.closeCode ?? 1000);
  return socket;
}

async function sendChunks(
  send: (chunk: Uint8Array) => void,
  stream: Uint8Array,
  { chunkBytes = 1_000, pauseMs = 0 }: { chunkBytes?: number; pauseMs?: number },
): Promise<void> {
  for (let offset = 0; offset < stream.length; offset += chunkBytes) {
    send(stream.subarray(offset, offset + chunkBytes));
    if (pauseMs > 0) await delay(pauseMs);
  }
}

/** A watcher over TCP: sends `G/<id>/<name>\0` and resolves with everything received until close. */
export async function tcpReader(
  port: number,
  gameId: number | bigint,
  header?: string,
): Promise<ReaderResult> {
  const socket = await openTcp(port);
  socket.write(header ?? `G/${gameId}/watcher.SCFAreplay\0`);
  return collect(socket);
}

export interface ReaderResult {
  readonly bytes: Buffer;
  /** How the connection ended: 'end' (FIN), or the error code (e.g. ECONNRESET). */
  readonly ending: string;
}

export function collect(socket: Socket): Promise<ReaderResult> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let ending = 'end';
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (ending = error.code ?? error.message));
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), ending }));
  });
}

/** A watcher over WebSocket: resolves with the concatenated binary messages until close. */
export async function wsReader(port: number, gameId: number | bigint): Promise<ReaderResult> {
  const socket = await openWebSocket(port);
  socket.send(Buffer.from(`G/${gameId}/watcher.SCFAreplay\0`));
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    socket.on('message', (data: Buffer) => chunks.push(data));
    socket.on('close', (code) => resolve({ bytes: Buffer.concat(chunks), ending: `ws ${code}` }));
  });
}

export function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export function openWebSocket(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}
