import { readFileSync } from 'node:fs';
import { zstdDecompressSync } from 'node:zlib';
import { ScfaHeaderScanner } from '@faf-replay/core';

/** Game time per tick: SCFA simulates at 10 ticks per second. */
export const TICK_MS = 100;

const ADVANCE = 0;

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
  const step = new ScfaHeaderScanner().push(stream);
  if (step.status !== 'complete')
    throw new Error(`the fixture's SCFA header does not parse (${step.status})`);
  const header = stream.subarray(0, step.header.length);
  const body = stream.subarray(step.header.length);
  return { header, body, tickEnds: tickEndOffsets(body) };
}

/** Body offsets where each tick ends: after every tick an Advance frame carries. */
export function tickEndOffsets(body: Uint8Array): Uint32Array {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const ends: number[] = [];
  let at = 0;
  while (at + 3 <= body.length) {
    const size = view.getUint16(at + 1, true);
    if (size < 3) throw new Error(`corrupt body frame at ${at}`);
    const ticks = view.getUint8(at) === ADVANCE && at + 7 <= body.length ? view.getUint32(at + 3, true) : 0;
    at += size;
    for (let i = 0; i < ticks; i++) ends.push(Math.min(at, body.length));
  }
  return Uint32Array.from(ends);
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
