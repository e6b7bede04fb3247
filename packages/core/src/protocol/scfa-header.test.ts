import { divergingStreams, fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolUsageError } from './protocol-errors.js';
import { SCFA_HEADER_LIMIT_BYTES, ScfaHeaderScanner } from './scfa-header.js';
import type { ScfaHeaderStep } from './scfa-header.js';

const example = fixture(fixtureFacts.example.file);
const exampleHeader = example.subarray(0, fixtureFacts.example.headerBytes);

interface Scanned {
  readonly step: ScfaHeaderStep;
  /** The rest of the completing chunk plus every chunk after it: what the body would get. */
  readonly body: Uint8Array;
}

function scan(chunks: readonly Uint8Array[], scanner = new ScfaHeaderScanner()): Scanned {
  for (const [i, chunk] of chunks.entries()) {
    const step = scanner.push(chunk);
    if (step.status === 'complete') return { step, body: Buffer.concat([step.rest, ...chunks.slice(i + 1)]) };
    if (step.status === 'rejected') return { step, body: new Uint8Array(0) };
  }
  return { step: scanner.end(), body: new Uint8Array(0) };
}

function chunked(data: Uint8Array, chunkBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunkBytes) chunks.push(data.subarray(at, at + chunkBytes));
  return chunks;
}

function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => data.subarray(start, points[i] ?? data.length));
}

/** Asserts that a stream splits into exactly `headerBytes` of header and the rest as body. */
function expectSplit(scanned: Scanned, stream: Uint8Array, headerBytes: number): void {
  const { step, body } = scanned;
  if (step.status !== 'complete') throw new Error(`expected a complete header, got ${JSON.stringify(step)}`);
  expect(step.header.length).toBe(headerBytes);
  expect(firstDifference(step.header, stream.subarray(0, headerBytes)), 'first differing header byte').toBe(
    -1,
  );
  expect(firstDifference(body, stream.subarray(headerBytes)), 'first differing body byte').toBe(-1);
}

/** A 24-byte header that R accepts: every string empty, every size and count zero. */
const minimalHeader = new Uint8Array(24);

describe('ScfaHeaderScanner on real streams', () => {
  it('finds the 1966-byte header of example in one chunk, in 4 KiB reads and byte by byte', () => {
    expectSplit(scan([example]), example, fixtureFacts.example.headerBytes);
    expectSplit(scan(chunked(example, 4096)), example, fixtureFacts.example.headerBytes);
    expectSplit(scan(chunked(example, 1)), example, fixtureFacts.example.headerBytes);
  });

  it('finds the same header for any chunking of example', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(example.length), { maxLength: 30 }), (cuts) => {
        expectSplit(scan(splitAt(example, cuts)), example, fixtureFacts.example.headerBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the 3574-byte header of each diverging_1 stream', () => {
    for (const stream of divergingStreams()) {
      expectSplit(scan(chunked(stream, 1000)), stream, fixtureFacts.diverging.headerBytes);
    }
  });

  it('finds the 9318-byte header of the long game', () => {
    const long = fixture(fixtureFacts.long.file);
    expectSplit(scan(chunked(long, 4096)), long, fixtureFacts.long.headerBytes);
  });

  it('copies the header once, contiguously, and returns the body start as a view', () => {
    const chunks = chunked(example, 1500);
    const scanned = scan(chunks);
    if (scanned.step.status !== 'complete') throw new Error('expected complete');
    expect(scanned.step.header.buffer).not.toBe(example.buffer);
    expect(scanned.step.header.byteLength).toBe(scanned.step.header.buffer.byteLength);
    expect(scanned.step.rest.buffer).toBe(example.buffer);
    expect(scanned.step.rest.byteOffset).toBe(example.byteOffset + fixtureFacts.example.headerBytes);
    expect(scanned.step.rest.length).toBe(3000 - fixtureFacts.example.headerBytes);
  });
});

describe('ScfaHeaderScanner on truncated and odd headers', () => {
  it('rejects every truncation of the example header at the end of input', () => {
    for (let length = 0; length < exampleHeader.length; length++) {
      const scanner = new ScfaHeaderScanner();
      expect(scanner.push(exampleHeader.subarray(0, length)).status, `${length} bytes`).toBe('need-more');
      expect(scanner.end().status, `${length} bytes`).toBe('rejected');
    }
  });

  it('names the field and the byte count where the input ended', () => {
    const scanner = new ScfaHeaderScanner();
    scanner.push(exampleHeader.subarray(0, 100));
    expect(scanner.end()).toEqual({
      status: 'rejected',
      reason: 'the stream ended inside the replay header after 100 bytes (scenario)',
    });
  });

  it('accepts the minimal 24-byte header of zeros', () => {
    const stream = Uint8Array.of(...minimalHeader, 0x17, 0x03, 0x00);
    expectSplit(scan([stream]), stream, 24);
    expectSplit(scan(chunked(stream, 1)), stream, 24);
    expect(scan([minimalHeader.subarray(0, 23)]).step.status).toBe('rejected');
  });

  it('reads one more byte after a command source other than 255', () => {
    // Strings, blobs and player list empty, no cheats, then one army with an empty options blob.
    const oneArmy = (...source: number[]): Uint8Array =>
      Uint8Array.of(...new Uint8Array(9 + 4 + 4 + 1 + 1), 1, 0, 0, 0, 0, ...source, 1, 2, 3, 4);
    const commanded = oneArmy(0, 7);
    expect(commanded.length).toBe(30);
    const body = Uint8Array.of(0x17, 0x03, 0x00);
    expectSplit(scan([commanded, body]), Buffer.concat([commanded, body]), 30);
    const uncommanded = oneArmy(255);
    expectSplit(scan(chunked(Buffer.concat([uncommanded, body]), 1)), Buffer.concat([uncommanded, body]), 29);
  });

  it('must not be used after its final step', () => {
    const scanner = new ScfaHeaderScanner();
    scanner.push(minimalHeader);
    expect(() => scanner.push(minimalHeader)).toThrow(ProtocolUsageError);
    expect(() => scanner.end()).toThrow(ProtocolUsageError);
  });
});

describe('ScfaHeaderScanner size cap', () => {
  const junk = (bytes: number): Uint8Array => new Uint8Array(bytes).fill(1);

  it('rejects the example behind 1 MiB - 500 junk bytes and accepts it behind 1 MiB - 2000 (R test)', () => {
    const tooLong = Buffer.concat([junk(SCFA_HEADER_LIMIT_BYTES - 500), exampleHeader]);
    expect(scan(chunked(tooLong, 4096)).step).toMatchObject({ status: 'rejected' });
    const shortEnough = Buffer.concat([junk(SCFA_HEADER_LIMIT_BYTES - 2000), exampleHeader]);
    expectSplit(scan(chunked(shortEnough, 4096)), shortEnough, shortEnough.length);
  });

  it('accepts a header of exactly the cap and rejects one byte more, as soon as the walk knows', () => {
    expectSplit(scan([example], new ScfaHeaderScanner({ maxBytes: 1966 })), example, 1966);
    const scanner = new ScfaHeaderScanner({ maxBytes: 1965 });
    // Byte 1961 ends the last army; the 4-byte seed after it cannot fit under 1965.
    expect(scanner.push(exampleHeader.subarray(0, 1961)).status).toBe('need-more');
    expect(scanner.push(exampleHeader.subarray(1961, 1962))).toEqual({
      status: 'rejected',
      reason: 'the replay header is longer than 1965 bytes (random seed)',
    });
  });

  it('rejects a blob that cannot fit under the cap without waiting for its bytes', () => {
    const hugeMods = Uint8Array.of(...new Uint8Array(9), 0xff, 0xff, 0xff, 0xff);
    expect(new ScfaHeaderScanner().push(hugeMods)).toEqual({
      status: 'rejected',
      reason: `the replay header is longer than ${SCFA_HEADER_LIMIT_BYTES} bytes (mods)`,
    });
  });

  it('rejects a game version string that runs past the cap', () => {
    const scanner = new ScfaHeaderScanner();
    let step: ScfaHeaderStep = { status: 'need-more' };
    let pushed = 0;
    while (step.status === 'need-more') {
      step = scanner.push(junk(64 * 1024));
      pushed += 64 * 1024;
    }
    expect(step).toMatchObject({ status: 'rejected' });
    expect(pushed).toBe(SCFA_HEADER_LIMIT_BYTES + 64 * 1024);
  });
});
