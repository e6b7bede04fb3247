import { describe, expect, it } from 'vitest';
import { parseReaderOffset } from './reader-offset.js';

describe('parseReaderOffset', () => {
  it.each([
    [undefined, undefined],
    ['/', undefined],
    ['/8468507/Player.SCFAreplay', undefined],
    ['/8468507/Player.SCFAreplay?token=1-abc', undefined],
    ['/8468507/Player.SCFAreplay?offset=123', 123],
    ['/?token=1-abc&offset=0', 0],
    ['/?offset=007', 7],
    ['/?offset=%31%32', 12],
    [`/?offset=${Number.MAX_SAFE_INTEGER}`, Number.MAX_SAFE_INTEGER],
  ])('reads %s as readFrom %s', (url, readFrom) => {
    expect(parseReaderOffset(url)).toEqual({ ok: true, readFrom });
  });

  it.each([
    ['/?offset=', '""'],
    ['/?offset=abc', '"abc"'],
    ['/?offset=-1', '"-1"'],
    ['/?offset=%2B5', '"+5"'],
    ['/?offset=1.5', '"1.5"'],
    ['/?offset=1e3', '"1e3"'],
    ['/?offset=0x10', '"0x10"'],
    ['/?offset=%2012', '" 12"'],
    ['/?offset=9007199254740992', '"9007199254740992"'],
    ['/?offset=99999999999999999999', '"99999999999999999999"'],
  ])('refuses %s, quoting %s', (url, quoted) => {
    expect(parseReaderOffset(url)).toEqual({
      ok: false,
      reason: `offset must be a whole number of bytes from 0 to 9007199254740991, got ${quoted}`,
    });
  });

  it('refuses an offset given twice', () => {
    expect(parseReaderOffset('/?offset=1&offset=2')).toEqual({
      ok: false,
      reason: 'offset is given 2 times',
    });
  });

  it('quotes at most 40 characters of what a client sent', () => {
    const result = parseReaderOffset(`/?offset=${'x'.repeat(10_000)}`);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/, got "x{40}"…$/) as unknown });
  });
});
