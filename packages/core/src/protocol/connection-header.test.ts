import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolUsageError } from './protocol-errors.js';
import { CONNECTION_HEADER_LIMIT_BYTES, ConnectionHeaderReader, playerNameOf } from './connection-header.js';
import type { ConnectionHeaderStep } from './connection-header.js';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** Feeds `chunks`, then the end of input if the reader still wants more. */
function read(...chunks: Uint8Array[]): ConnectionHeaderStep {
  const reader = new ConnectionHeaderReader();
  for (const chunk of chunks) {
    const step = reader.push(chunk);
    if (step.status !== 'need-more') return step;
  }
  return reader.end();
}

function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => data.subarray(start, points[i] ?? data.length));
}

function rejectionCode(step: ConnectionHeaderStep): string {
  return step.status === 'rejected' ? step.rejection.code : `not rejected: ${step.status}`;
}

describe('ConnectionHeaderReader: the Rust server cases (accept/header.rs)', () => {
  it('reads the role from P/ and G/', () => {
    expect(read(bytes('P/1/foo\0'))).toMatchObject({ status: 'complete', header: { role: 'writer' } });
    expect(read(bytes('G/1/foo\0'))).toMatchObject({ status: 'complete', header: { role: 'reader' } });
  });

  it('rejects another type', () => {
    expect(read(bytes('U/1/foo\0'))).toEqual({
      status: 'rejected',
      rejection: { code: 'bad-type', message: 'Invalid connection type: [55, 2f]' },
    });
    expect(rejectionCode(read(bytes('P:1/foo\0')))).toBe('bad-type');
    expect(rejectionCode(read(bytes('p/1/foo\0')))).toBe('bad-type');
  });

  it('treats 0 or 1 byte before the end as an empty connection', () => {
    expect(read()).toEqual({ status: 'empty' });
    expect(read(bytes('P'))).toEqual({ status: 'empty' });
    expect(read(bytes('U'))).toEqual({ status: 'empty' });
    expect(read(new Uint8Array(0), bytes('G'), new Uint8Array(0))).toEqual({ status: 'empty' });
  });

  it('reads the id and the name', () => {
    expect(read(bytes('G/1/foo\0'))).toMatchObject({ header: { role: 'reader', gameId: 1n, name: 'foo' } });
  });

  it('rejects a non-numeric id', () => {
    expect(read(bytes('G/bar/foo\0'))).toEqual({
      status: 'rejected',
      rejection: { code: 'bad-id', message: 'Failed to parse replay ID' },
    });
  });

  it('rejects a header that ends before its NUL', () => {
    expect(read(bytes('G/1/foo'))).toEqual({
      status: 'rejected',
      rejection: { code: 'truncated', message: 'Connection header is incomplete' },
    });
    expect(rejectionCode(read(bytes('P/')))).toBe('truncated');
  });

  it('rejects a header without a slash after the id', () => {
    expect(read(bytes('G/1\0'))).toEqual({
      status: 'rejected',
      rejection: { code: 'no-slash', message: 'Connection header has too few slashes: 1' },
    });
  });

  it('splits at the first slash: the name may contain more', () => {
    expect(read(bytes('G/1/name/with/slash\0'))).toMatchObject({
      header: { gameId: 1n, name: 'name/with/slash' },
    });
  });

  it('rejects a name that is not UTF-8', () => {
    expect(rejectionCode(read(concat(bytes('G/1/foo '), Uint8Array.of(0xc0), bytes(' bar\0'))))).toBe(
      'bad-utf8',
    );
  });

  it('rejects an id/name part over 1024 bytes', () => {
    expect(read(bytes(`G/1/${'foo '.repeat(1024)}\0`))).toEqual({
      status: 'rejected',
      rejection: { code: 'no-terminator', message: 'Connection header is incomplete' },
    });
  });

  it('rejects a negative id', () => {
    expect(rejectionCode(read(bytes('G/-1/foo\0')))).toBe('bad-id');
  });
});

describe('ConnectionHeaderReader: the game id', () => {
  it.each([
    ['leading zeros', '007', 7n],
    ['zero', '0', 0n],
    ['a typical id', '12345678', 12_345_678n],
    ['beyond 2^53', '9007199254740993', 9_007_199_254_740_993n],
    ['u64 max', '18446744073709551615', 2n ** 64n - 1n],
    ['1000 leading zeros', `${'0'.repeat(1000)}42`, 42n],
  ])('accepts %s', (_label, id, expected) => {
    expect(read(bytes(`P/${id}/x\0`))).toMatchObject({ status: 'complete', header: { gameId: expected } });
  });

  it.each([
    '18446744073709551616',
    '99999999999999999999',
    '+7',
    ' 7',
    '7 ',
    '',
    '-0',
    '1_000',
    '０',
    '0x10',
  ])('rejects %j', (id) => {
    expect(rejectionCode(read(bytes(`P/${id}/x\0`)))).toBe('bad-id');
  });
});

describe('ConnectionHeaderReader: names and limits', () => {
  it('accepts an empty name and any UTF-8, keeping a leading BOM', () => {
    expect(read(bytes('P/5/\0'))).toMatchObject({ header: { gameId: 5n, name: '' } });
    expect(read(bytes('P/5/Zoë 🚀.SCFAreplay\0'))).toMatchObject({ header: { name: 'Zoë 🚀.SCFAreplay' } });
    expect(read(bytes('P/5/\uFEFFx\0'))).toMatchObject({ header: { name: '\uFEFFx' } });
  });

  it('accepts exactly 1024 id/name bytes including the NUL', () => {
    const name = 'n'.repeat(CONNECTION_HEADER_LIMIT_BYTES - '1/'.length - 1);
    expect(read(bytes(`G/1/${name}\0`))).toMatchObject({ status: 'complete', header: { name } });
    expect(rejectionCode(read(bytes(`G/1/${name}n\0`)))).toBe('no-terminator');
  });

  it('rejects at the 1024th byte without a NUL, without waiting for more', () => {
    const reader = new ConnectionHeaderReader();
    expect(reader.push(bytes('G/1/'))).toEqual({ status: 'need-more' });
    for (let i = 0; i < CONNECTION_HEADER_LIMIT_BYTES - 3; i++) {
      expect(reader.push(bytes('x'))).toEqual({ status: 'need-more' });
    }
    expect(rejectionCode(reader.push(bytes('x')))).toBe('no-terminator');
  });

  it('returns the bytes after the NUL as a view of the completing chunk', () => {
    const chunk = bytes('P/9/a\0SCFA header...');
    const step = read(chunk);
    if (step.status !== 'complete') throw new Error(`expected complete, got ${step.status}`);
    expect(new TextDecoder().decode(step.rest)).toBe('SCFA header...');
    expect(step.rest.buffer).toBe(chunk.buffer);
    expect(step.rest.byteOffset).toBe(6);
    expect(read(bytes('P/9/a\0'))).toMatchObject({ rest: new Uint8Array(0) });
  });

  it('must not be used after its final step', () => {
    const reader = new ConnectionHeaderReader();
    reader.push(bytes('P/1/a\0'));
    expect(() => reader.push(bytes('x'))).toThrow(ProtocolUsageError);
    expect(() => reader.end()).toThrow(ProtocolUsageError);
    const ended = new ConnectionHeaderReader();
    ended.end();
    expect(() => ended.end()).toThrow(ProtocolUsageError);
  });
});

describe('ConnectionHeaderReader: any chunking', () => {
  const stream = concat(bytes('P/8468507/Ünïcode/Player.SCFAreplay\0'), Uint8Array.of(1, 2, 3, 0, 4));
  const expected = {
    status: 'complete',
    header: { role: 'writer', gameId: 8_468_507n, name: 'Ünïcode/Player.SCFAreplay' },
  };

  it('gives the same header and rest for every single split point and byte by byte', () => {
    const headerLength = stream.indexOf(0) + 1;
    for (let cut = 0; cut <= stream.length; cut++) {
      const [first = stream, second = new Uint8Array(0)] = splitAt(stream, [cut]);
      const step = read(first, second);
      expect(step, `split at ${cut}`).toMatchObject(expected);
      const rest = step.status === 'complete' ? [...step.rest] : [];
      // The rest comes from the chunk that held the NUL only.
      const expectedRest =
        cut < headerLength ? stream.subarray(headerLength) : stream.subarray(headerLength, cut);
      expect(rest, `split at ${cut}`).toEqual([...expectedRest]);
    }
    const byByte = read(...[...stream].map((byte) => Uint8Array.of(byte)));
    expect(byByte).toMatchObject({ ...expected, rest: new Uint8Array(0) });
  });

  it('gives the same outcome as a single chunk for random chunkings of valid and invalid headers', () => {
    const header = fc.oneof(
      fc.constantFrom('P/1/foo\0', 'G/007/a/b\0', 'U/1/x\0', 'G/1\0', 'G/x/y\0', 'P/1/foo', 'P', ''),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(header, fc.array(fc.nat(60), { maxLength: 6 }), (text, cuts) => {
        const data = bytes(text);
        const whole = read(data);
        const chunked = read(
          ...splitAt(
            data,
            cuts.filter((cut) => cut <= data.length),
          ),
        );
        expect(chunked).toEqual(whole);
      }),
    );
  });
});

describe('playerNameOf', () => {
  it.each([
    ['user1.SCFAreplay', 'user1'],
    ['User1.scfareplay', 'User1'],
    ['user1.SCFAREPLAY', 'user1'],
    ['user1', 'user1'],
    ['a.SCFAreplay.SCFAreplay', 'a.SCFAreplay'],
    ['.SCFAreplay', ''],
    ['user1.SCFAreplay.txt', 'user1.SCFAreplay.txt'],
    ['Ünïcödé.SCFAreplay', 'Ünïcödé'],
  ])('takes %j as the player %j', (connectionName, player) => {
    expect(playerNameOf(connectionName)).toBe(player);
  });
});
