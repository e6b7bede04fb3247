import { setTimeout as delay } from 'node:timers/promises';
import type { Socket } from 'node:net';
import type { GameId } from '@faf-replay/core';
import { sendPaced } from './paced-sender.js';
import type { PacingClock, Speed } from './paced-sender.js';
import type { PlayableReplay } from './playable-replay.js';
import { connectTcp, describeSocketError } from './server-address.js';
import type { ServerAddress } from './server-address.js';

/** Live counters of one writer, read by the progress line. */
export interface WriterProgress {
  bytesSent: number;
  ticksSent: number;
}

export interface GameWriterOptions {
  readonly address: ServerAddress;
  readonly gameId: GameId;
  readonly name: string;
  readonly replay: PlayableReplay;
  readonly speed: Speed;
  readonly progress: WriterProgress;
  /** Called once the SCFA header is on its way: readers may join from then on. */
  readonly onHeaderSent?: () => void;
  readonly signal?: AbortSignal | undefined;
  readonly clock?: PacingClock | undefined;
}

export type WriteEnding =
  | { readonly kind: 'done' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'failed'; readonly reason: string };

/** How long the server gets to close a writer's connection after the stream's end. */
const CLOSE_WAIT_MS = 5_000;

/**
 * Plays a recorded stream as a game does: `P/<id>/<name>\0`, the SCFA header at once, then the
 * body paced by its ticks, then EOF. Connecting is the only failure it throws (a `CliError`);
 * everything later is its ending.
 */
export async function writeGame(options: GameWriterOptions): Promise<WriteEnding> {
  const { replay, progress, signal } = options;
  const socket = await connectTcp(options.address, undefined, signal);
  let socketError: unknown = null;
  // A reset or an abort between writes surfaces here first; the next write then fails with it.
  socket.on('error', (error) => (socketError ??= error));
  const send = (chunk: Uint8Array): Promise<void> => writeChunk(socket, chunk);
  try {
    await send(Buffer.from(`P/${options.gameId}/${options.name}\0`));
    await send(replay.stream.subarray(0, replay.headerBytes));
    progress.bytesSent += replay.headerBytes;
    options.onHeaderSent?.();
    let bodySent = 0;
    const body = replay.stream.subarray(replay.headerBytes);
    const sendBody = async (chunk: Uint8Array): Promise<void> => {
      await send(chunk);
      bodySent += chunk.length;
      progress.bytesSent += chunk.length;
      progress.ticksSent = replay.schedule.tickOf(bodySent - 1);
    };
    await sendPaced(body, replay.schedule, options.speed, sendBody, { signal, clock: options.clock });
    await endAndWaitForClose(socket);
    return { kind: 'done' };
  } catch (error) {
    if (signal?.aborted === true) return { kind: 'interrupted' };
    return { kind: 'failed', reason: describeSocketError((socketError ?? error) as NodeJS.ErrnoException) };
  } finally {
    socket.destroy();
  }
}

function writeChunk(socket: Socket, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(chunk, (error) => (error === undefined || error === null ? resolve() : reject(error)));
  });
}

/** The server closes a writer after its EOF; waiting for that keeps the writer count honest. */
async function endAndWaitForClose(socket: Socket): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.resume();
  socket.end();
  const timeout = new AbortController();
  await Promise.race([
    closed,
    delay(CLOSE_WAIT_MS, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
  timeout.abort();
}
