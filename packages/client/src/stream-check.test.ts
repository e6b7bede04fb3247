import { describe, expect, it } from 'vitest';
import { StreamCheck, checkBytes, describeVerdict } from './stream-check.js';

const expected = Uint8Array.from({ length: 100 }, (_, i) => i);

function pushAll(check: StreamCheck, bytes: Uint8Array, chunkBytes: number): void {
  for (let at = 0; at < bytes.length; at += chunkBytes) check.push(bytes.subarray(at, at + chunkBytes));
}

describe('StreamCheck', () => {
  it('accepts the expected bytes in any chunking', () => {
    for (const chunkBytes of [1, 7, 100]) {
      const check = new StreamCheck(expected);
      pushAll(check, expected, chunkBytes);
      expect(check.verdict()).toEqual({ status: 'ok' });
    }
  });

  it('reports a prefix as short', () => {
    const check = new StreamCheck(expected);
    pushAll(check, expected.subarray(0, 42), 10);
    expect(check.verdict()).toEqual({ status: 'short', receivedBytes: 42, expectedBytes: 100 });
  });

  it('reports the first differing offset, across chunks, and keeps it', () => {
    const wrong = Uint8Array.from(expected);
    wrong[57] = 0xff;
    wrong[90] = 0xff;
    const check = new StreamCheck(expected);
    pushAll(check, wrong, 25);
    expect(check.verdict()).toEqual({ status: 'differs', offset: 57, expectedBytes: 100 });
    expect(describeVerdict(check.verdict())).toBe('differs from byte 57 (of 100)');
  });

  it('reports bytes beyond the end as differing at the end', () => {
    const check = new StreamCheck(expected);
    pushAll(check, Uint8Array.from([...expected, 1, 2]), 30);
    expect(check.verdict()).toEqual({ status: 'differs', offset: 100, expectedBytes: 100 });
  });
});

describe('checkBytes', () => {
  it('compares a whole saved replay', () => {
    expect(checkBytes(expected, expected)).toEqual({ status: 'ok' });
    expect(checkBytes(expected.subarray(0, 10), expected)).toEqual({
      status: 'short',
      receivedBytes: 10,
      expectedBytes: 100,
    });
    const wrong = Uint8Array.from(expected);
    wrong[3] = 0;
    expect(checkBytes(wrong, expected)).toEqual({ status: 'differs', offset: 3, expectedBytes: 100 });
  });
});
