import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyFrameWalker, countTicks } from './body-frames.js';
import type { BodySummary } from './body-frames.js';
import { ProtocolUsageError } from './protocol-errors.js';

const exampleBody = fixture(fixtureFacts.example.file).subarray(fixtureFacts.example.headerBytes);
const longBody = fixture(fixtureFacts.long.file).subarray(fixtureFacts.long.headerBytes);
const divergingBodies = divergingStreams().map((stream) =>
  stream.subarray(fixtureFacts.diverging.headerBytes),
);

const advance = (ticks: number): number[] => [
  0,
  7,
  0,
  ticks & 0xff,
  (ticks >> 8) & 0xff,
  (ticks >> 16) & 0xff,
  ticks >>> 24,
];
const END_GAME = [23, 3, 0];

function walk(chunks: Iterable<Uint8Array>): BodySummary {
  const walker = new BodyFrameWalker();
  for (const chunk of chunks) walker.push(chunk);
  return walker.finish();
}

function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => data.subarray(start, points[i] ?? data.length));
}

/** The obvious whole-buffer walk, as an oracle for the incremental one. */
function referenceWalk(body: Uint8Array): { status: string; ticks?: number; offset?: number } {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let ticks = 0;
  let at = 0;
  while (at < body.length) {
    if (at + 3 > body.length) return { status: 'truncated', offset: at };
    const type = view.getUint8(at);
    const size = view.getUint16(at + 1, true);
    if (size < 3 || type > 23 || (type === 0 && size < 7)) return { status: 'corrupt', offset: at };
    if (at + size > body.length) return { status: 'truncated', offset: at };
    if (type === 0) ticks += view.getUint32(at + 3, true);
    at += size;
  }
  return { status: 'ok', ticks };
}

function essentials(summary: BodySummary): { status: string; ticks?: number; offset?: number } {
  return summary.status === 'ok'
    ? { status: 'ok', ticks: summary.ticks }
    : { status: summary.status, offset: summary.offset };
}

describe('BodyFrameWalker on real bodies', () => {
  it('counts 1928 ticks in example, which ends with EndGame', () => {
    const summary = walk([exampleBody]);
    expect(summary).toMatchObject({
      status: 'ok',
      ticks: 1928,
      frames: 6061,
      bodyBytes: 41_578,
      endsWithEndGame: true,
    });
    if (summary.status !== 'ok') throw new Error('expected ok');
    expect(summary.framesByType[0]).toBe(1928);
    expect(summary.framesByType[23]).toBe(1);
    expect(summary.framesByType.reduce((sum, count) => sum + count, 0)).toBe(6061);
  });

  it('counts 25,979 ticks in the long game', () => {
    expect(walk([longBody])).toMatchObject({
      status: 'ok',
      ticks: fixtureFacts.long.ticks,
      endsWithEndGame: true,
    });
  });

  it('counts the diverging_1 bodies, none of which ends with EndGame', () => {
    const summaries = divergingBodies.map((body) => walk([body]));
    expect(summaries.map((summary) => (summary.status === 'ok' ? summary.ticks : null))).toEqual([
      130, 656, 684, 721, 721, 722,
    ]);
    expect(summaries.map((summary) => summary.status === 'ok' && summary.endsWithEndGame)).toEqual(
      new Array(6).fill(false),
    );
  });

  it('gives the same summary for any chunking, byte by byte included', () => {
    const whole = walk([exampleBody]);
    expect(walk([...exampleBody].map((byte) => Uint8Array.of(byte)))).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.nat(exampleBody.length), { maxLength: 40 }), (cuts) => {
        expect(walk(splitAt(exampleBody, cuts))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});

describe('BodyFrameWalker on made-up bodies', () => {
  it('counts Advance(20) + EndGame as 20 ticks (Python server test)', () => {
    expect(countTicks([Uint8Array.from([...advance(20), ...END_GAME])])).toBe(20);
  });

  it('sums full u32 tick counts', () => {
    expect(countTicks([Uint8Array.from([...advance(0xffffffff), ...advance(1)])])).toBe(2 ** 32);
  });

  it('counts an empty body as 0 ticks, as the Rust server does', () => {
    expect(walk([])).toEqual({
      status: 'ok',
      ticks: 0,
      frames: 0,
      bodyBytes: 0,
      endsWithEndGame: false,
      framesByType: new Array(24).fill(0),
    });
    expect(countTicks([new Uint8Array(0)])).toBe(0);
  });

  it('finds 10 zero bytes corrupt (a frame of size 0)', () => {
    expect(walk([new Uint8Array(10)])).toEqual({
      status: 'corrupt',
      offset: 0,
      reason: 'frame size 0 is below 3',
      bodyBytes: 10,
      framesBefore: 0,
      ticksBefore: 0,
    });
    expect(countTicks([new Uint8Array(10)])).toBeNull();
  });

  it.each([
    ['an unknown command type', [24, 3, 0], 'unknown command type 24'],
    ['an Advance without its tick count', [0, 5, 0, 1, 0], 'Advance frame of 5 bytes'],
  ])('finds %s corrupt, after the frames before it', (_label, frame, reason) => {
    const body = Uint8Array.from([...advance(3), ...END_GAME, ...frame, ...advance(1)]);
    expect(walk([body])).toMatchObject({
      status: 'corrupt',
      offset: 10,
      reason,
      framesBefore: 2,
      ticksBefore: 3,
    });
  });

  it('finds a cut last frame truncated, without counting it', () => {
    const body = Uint8Array.from([...advance(3), 12, 10, 0, 1, 2, ...advance(5)]);
    expect(walk([body.subarray(0, 12)])).toMatchObject({
      status: 'truncated',
      offset: 7,
      framesBefore: 1,
      ticksBefore: 3,
      bodyBytes: 12,
    });
    expect(walk([body.subarray(0, 8)])).toMatchObject({ status: 'truncated', offset: 7, framesBefore: 1 });
    expect(walk([body.subarray(0, 17)])).toMatchObject({ status: 'ok', ticks: 3, frames: 2 });
    expect(walk([body.subarray(0, 20)])).toMatchObject({ status: 'truncated', offset: 17, ticksBefore: 3 });
    expect(countTicks([body.subarray(0, 20)])).toBeNull();
  });

  it('finish() is idempotent and the walker takes no bytes after it', () => {
    const walker = new BodyFrameWalker();
    walker.push(Uint8Array.from(advance(2)));
    const summary = walker.finish();
    expect(walker.finish()).toBe(summary);
    expect(() => {
      walker.push(Uint8Array.from(advance(2)));
    }).toThrow(ProtocolUsageError);
  });
});

describe('BodyFrameWalker against a whole-buffer oracle', () => {
  it('agrees on random truncations and corruptions of example, in random chunks, and never throws', () => {
    const edit = fc.tuple(fc.nat(exampleBody.length - 1), fc.nat(255));
    fc.assert(
      fc.property(
        fc.nat(exampleBody.length),
        fc.array(edit, { maxLength: 3 }),
        fc.array(fc.nat(exampleBody.length), { maxLength: 10 }),
        (length, edits, cuts) => {
          const body = Uint8Array.from(exampleBody.subarray(0, length));
          for (const [at, byte] of edits) if (at < length) body[at] = byte;
          const summary = walk(
            splitAt(
              body,
              cuts.filter((cut) => cut <= length),
            ),
          );
          expect(essentials(summary)).toEqual(referenceWalk(body));
          expect(summary.bodyBytes).toBe(length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees on random frame soups', () => {
    const frame = fc.oneof(
      fc.nat(1000).map(advance),
      fc.constant(END_GAME),
      fc
        .tuple(fc.nat(30), fc.uint8Array({ maxLength: 12 }))
        .map(([type, payload]) => [type, payload.length + 3, 0, ...payload]),
      fc.array(fc.nat(255), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 30 }),
        fc.array(fc.nat(400), { maxLength: 8 }),
        (frames, cuts) => {
          const body = Uint8Array.from(frames.flat());
          const summary = walk(
            splitAt(
              body,
              cuts.filter((cut) => cut <= body.length),
            ),
          );
          expect(essentials(summary)).toEqual(referenceWalk(body));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('BodyFrameWalker.ticksSoFar', () => {
  it('counts Advance ticks as frames arrive, split anywhere, including multi-tick Advances', () => {
    // Advance(20), EndGame, Advance(3), fed byte by byte.
    const body = Uint8Array.of(0, 7, 0, 20, 0, 0, 0, 23, 3, 0, 0, 7, 0, 3, 0, 0, 0);
    const walker = new BodyFrameWalker();
    const seen: number[] = [];
    for (const byte of body) {
      walker.push(Uint8Array.of(byte));
      seen.push(walker.ticksSoFar);
    }
    expect(seen.at(6)).toBe(20);
    expect(walker.ticksSoFar).toBe(23);
    expect(walker.finish()).toMatchObject({ status: 'ok', ticks: 23 });
  });
});

describe('BodyFrameWalker, a short Advance split after its type byte', () => {
  it('is corrupt, not truncated (fast-check seed -417594134: [0] then [3, 0])', () => {
    const walker = new BodyFrameWalker();
    walker.push(Uint8Array.of(0));
    walker.push(Uint8Array.of(3, 0));
    expect(walker.finish().status).toBe('corrupt');
  });
});
