import { ScfaHeaderScanner } from '@faf-replay/core';
import { ClientError } from './client-error.js';
import type { ConnectionEnding } from './client-link.js';
import { FrameSchedule } from './frame-schedule.js';
import { ReplayWriter } from './replay-writer.js';
import type { ReplayWriterOptions } from './replay-writer.js';
import { sendPaced } from './send-paced.js';
import type { PacingClock, Speed } from './send-paced.js';
import type { ServerAddress } from './server-address.js';

/** A recorded stream cut into its SCFA header and a body schedule, ready to be played. */
export interface PacedStream {
  readonly stream: Uint8Array;
  readonly headerBytes: number;
  readonly schedule: FrameSchedule;
}

/** Cuts a recorded stream for `playGame`; one without a valid SCFA header is a `ClientError`. */
export function pacedStream(stream: Uint8Array): PacedStream {
  const step = new ScfaHeaderScanner().push(stream);
  if (step.status !== 'complete') {
    const why = step.status === 'rejected' ? step.reason : 'it ends inside the SCFA header';
    throw new ClientError('STREAM_INVALID', `not a replay stream: ${why}`);
  }
  const headerBytes = step.header.length;
  return { stream, headerBytes, schedule: FrameSchedule.of(stream.subarray(headerBytes)) };
}

export interface PlayGameOptions extends Omit<ReplayWriterOptions, 'stream'> {
  readonly replay: PacedStream;
  readonly speed: Speed;
  /** The SCFA header is on its way: readers may join from then on. */
  readonly onHeaderSent?: (() => void) | undefined;
  readonly clock?: PacingClock | undefined;
}

/**
 * Plays a recorded stream as a game does: `P/<id>/<name>\0`, the SCFA header at once, the body
 * paced by its ticks at `speed` times real time, then a clean end. Connecting is the only failure
 * it throws (a `ClientError`); everything later is its ending.
 */
export async function playGame(address: ServerAddress, options: PlayGameOptions): Promise<ConnectionEnding> {
  const { replay, speed } = options;
  const writer = await ReplayWriter.connect(address, { ...options, stream: replay.stream });
  writer.sendUpTo(replay.headerBytes);
  if (await writer.flushed()) options.onHeaderSent?.();
  try {
    await sendPaced(writer, replay.schedule, speed, {
      from: replay.headerBytes,
      clock: options.clock,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted !== true) throw error;
    writer.abort();
  }
  return writer.closed;
}

/** Sends a whole stream at once, in chunks, then ends: resolves with the ending once closed. */
export async function writeGame(
  address: ServerAddress,
  options: ReplayWriterOptions,
): Promise<ConnectionEnding> {
  const writer = await ReplayWriter.connect(address, options);
  writer.sendAll();
  return writer.closed;
}
