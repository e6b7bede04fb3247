import type { GameId } from '@faf-replay/core';
import { connectTcp, describeSocketError } from './server-address.js';
import type { ServerAddress } from './server-address.js';

export interface ReadGameOptions {
  readonly address: ServerAddress;
  readonly gameId: GameId;
  /** The name in the connection header; the server only logs it. */
  readonly name: string;
  readonly signal?: AbortSignal | undefined;
  readonly connectTimeoutMs?: number;
}

/** How a reader's connection ended. `closed` is the server's normal end of the stream. */
export type ReadEnding =
  | { readonly kind: 'closed' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Watches game N as the FAF client does over TCP: sends `G/<id>/<name>\0`, then hands every chunk
 * the server sends to `onChunk` (awaited, so a slow sink slows the socket) until the server closes.
 * It never half-closes its side: the server would take that for the reader leaving.
 */
export async function readGame(
  options: ReadGameOptions,
  onChunk: (chunk: Buffer) => Promise<void> | void,
): Promise<ReadEnding> {
  const socket = await connectTcp(options.address, options.connectTimeoutMs, options.signal);
  socket.write(`G/${options.gameId}/${options.name}\0`);
  try {
    for await (const chunk of socket) await onChunk(chunk as Buffer);
    return { kind: 'closed' };
  } catch (error) {
    if (options.signal?.aborted === true) return { kind: 'interrupted' };
    return { kind: 'failed', reason: describeSocketError(error as NodeJS.ErrnoException) };
  } finally {
    socket.destroy();
  }
}
