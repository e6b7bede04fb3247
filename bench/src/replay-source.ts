import { readFileSync } from 'node:fs';
import { zstdDecompressSync } from 'node:zlib';
import { pacedStream, TICKS_PER_SECOND } from '@faf-replay/client';

/** Game time per tick: SCFA simulates at 10 ticks per second. */
export const TICK_MS = 1000 / TICKS_PER_SECOND;

/** A real replay stream, cut into its SCFA header and body, with where each tick ends. */
export interface ReplaySource {
  readonly header: Buffer;
  readonly body: Buffer;
  /** `tickEnds[t]`: the body offset just after the Advance frame that ends tick `t` (0-based). */
  readonly tickEnds: Uint32Array;
}

/** What one game streams: header and a window of the body, paced by its ticks. */
export interface GameStream {
  /** Header then body window: what every writer sends and every reader must receive. */
  readonly bytes: Buffer;
  readonly headerBytes: number;
  /** `tickEnds[t]`: the offset in `bytes` where tick `t` of the window ends. */
  readonly tickEnds: Uint32Array;
}

/** Reads a raw `.scfareplay` or a version-2 `.fafreplay` (JSON line + zstd). */
export function loadReplaySource(path: string): ReplaySource {
  const file = readFileSync(path);
  const stream = path.endsWith('.fafreplay')
    ? zstdDecompressSync(file.subarray(file.indexOf(0x0a) + 1))
    : file;
  return splitReplay(stream);
}

export function splitReplay(stream: Buffer): ReplaySource {
  const { headerBytes, schedule } = pacedStream(stream);
  return {
    header: stream.subarray(0, headerBytes),
    body: stream.subarray(headerBytes),
    tickEnds: schedule.tickEnds(),
  };
}

/** Ticks `[fromTick, toTick)` of the source as one game's stream (the header always included). */
export function gameStream(source: ReplaySource, fromTick = 0, toTick = source.tickEnds.length): GameStream {
  const ticks = source.tickEnds.length;
  if (fromTick < 0 || toTick > ticks || fromTick >= toTick) {
    throw new RangeError(`tick window [${fromTick}, ${toTick}) outside the ${ticks} ticks of the source`);
  }
  const start = fromTick === 0 ? 0 : (source.tickEnds[fromTick - 1] ?? 0);
  const end = toTick === ticks ? source.body.length : (source.tickEnds[toTick - 1] ?? 0);
  const headerBytes = source.header.length;
  const tickEnds = source.tickEnds.slice(fromTick, toTick).map((offset) => offset - start + headerBytes);
  tickEnds[tickEnds.length - 1] = end - start + headerBytes;
  return {
    bytes: Buffer.concat([source.header, source.body.subarray(start, end)]),
    headerBytes,
    tickEnds,
  };
}

/** Game time of a stream in seconds. */
export function gameSeconds(stream: GameStream): number {
  return (stream.tickEnds.length * TICK_MS) / 1000;
}
