import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { HeaderBudget } from './header-budget.js';
import { SCFA_HEADER_LIMIT_BYTES, ScfaHeaderScanner } from './scfa-header.js';
import type { ScfaHeaderStep } from './scfa-header.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Live JS heap plus array buffers after a full collection: what the process really holds. */
function heldBytes(): number {
  collectGarbage();
  collectGarbage();
  return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

const exampleHeader = fixture(fixtureFacts.example.file).subarray(0, fixtureFacts.example.headerBytes);
const junk = (bytes: number): Uint8Array => new Uint8Array(bytes).fill(1);

function pushBytewise(scanner: ScfaHeaderScanner, bytes: Uint8Array): ScfaHeaderStep {
  let step: ScfaHeaderStep = { status: 'need-more' };
  for (let at = 0; at < bytes.length && step.status === 'need-more'; at++) {
    step = scanner.push(bytes.subarray(at, at + 1));
  }
  return step;
}

describe('ScfaHeaderScanner memory', () => {
  it('holds a header sent one byte per chunk in about its own size, not a chunk object per byte', () => {
    // A game version string of 1 MiB - 1 bytes without its NUL: the scanner must keep waiting.
    const input = junk(SCFA_HEADER_LIMIT_BYTES - 1);
    const scanner = new ScfaHeaderScanner();
    const before = heldBytes();
    expect(pushBytewise(scanner, input)).toEqual({ status: 'need-more' });
    const growthBytes = heldBytes() - before;
    // Keeping each 1-byte chunk costs ~110 bytes of heap per byte (~115 MB here).
    expect(growthBytes).toBeLessThan(3 * SCFA_HEADER_LIMIT_BYTES);
    expect(scanner.retainedBytes).toBe(SCFA_HEADER_LIMIT_BYTES);
    expect(scanner.push(Uint8Array.of(1, 0)).status).toBe('rejected');
  });

  it('grows its buffer by doubling: capacity stays within twice the bytes held', () => {
    const capacities: number[] = [];
    const bytewise = new ScfaHeaderScanner();
    const oneByte = junk(1);
    for (let held = 1; held <= 100_000; held++) {
      bytewise.push(oneByte);
      if (capacities.at(-1) !== bytewise.retainedBytes) capacities.push(bytewise.retainedBytes);
    }
    expect(capacities).toEqual([1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072]);
  });

  it('still finds the example header pushed one byte at a time, and holds nothing afterwards', () => {
    const scanner = new ScfaHeaderScanner();
    const step = pushBytewise(scanner, exampleHeader);
    if (step.status !== 'complete') throw new Error(`expected complete, got ${step.status}`);
    expect(Buffer.from(step.header).equals(exampleHeader)).toBe(true);
    expect(step.header.byteLength).toBe(step.header.buffer.byteLength);
    expect(scanner.retainedBytes).toBe(0);
  });
});

describe('ScfaHeaderScanner with a HeaderBudget', () => {
  it('charges the budget for an incomplete header and refuses one that does not fit', () => {
    const budget = new HeaderBudget(3000);
    const first = new ScfaHeaderScanner({ budget });
    expect(first.push(junk(2000)).status).toBe('need-more');
    expect(budget.takenBytes).toBe(2000);
    const second = new ScfaHeaderScanner({ budget });
    expect(second.push(junk(1500))).toEqual({
      status: 'rejected',
      reason:
        "too many replay headers are incomplete at once: the server's budget of 3000 bytes for them is exhausted",
    });
    expect(budget.takenBytes).toBe(2000);
  });

  it('gives the budget back on completion, on rejection, at the end of input and on release()', () => {
    const budget = new HeaderBudget(SCFA_HEADER_LIMIT_BYTES);
    const completing = new ScfaHeaderScanner({ budget });
    completing.push(exampleHeader.subarray(0, 1000));
    expect(budget.takenBytes).toBe(1024);
    expect(completing.push(exampleHeader.subarray(1000)).status).toBe('complete');
    expect(budget.takenBytes).toBe(0);

    const truncated = new ScfaHeaderScanner({ budget });
    truncated.push(exampleHeader.subarray(0, 1500));
    expect(truncated.end().status).toBe('rejected');

    const tooLong = new ScfaHeaderScanner({ budget, maxBytes: 4000 });
    tooLong.push(junk(3000));
    expect(tooLong.push(junk(3000)).status).toBe('rejected');

    const abandoned = new ScfaHeaderScanner({ budget });
    abandoned.push(junk(50_000));
    expect(budget.takenBytes).toBe(50_000);
    abandoned.release();
    abandoned.release();
    expect(budget.takenBytes).toBe(0);
    expect(() => abandoned.push(junk(1))).toThrow(/after its final step/);
  });

  it('needs no budget for a header that arrives in one chunk', () => {
    const budget = new HeaderBudget(0);
    expect(new ScfaHeaderScanner({ budget }).push(exampleHeader).status).toBe('complete');
    expect(new ScfaHeaderScanner({ budget }).push(exampleHeader.subarray(0, 1)).status).toBe('rejected');
  });
});

describe('HeaderBudget', () => {
  it('takes only what fits and never goes below zero', () => {
    const budget = new HeaderBudget(10);
    expect(budget.take(6)).toBe(true);
    expect(budget.take(5)).toBe(false);
    expect(budget.take(4)).toBe(true);
    expect(budget.takenBytes).toBe(10);
    budget.give(7);
    expect(budget.takenBytes).toBe(3);
    budget.give(7);
    expect(budget.takenBytes).toBe(0);
    expect(() => new HeaderBudget(-1)).toThrow(RangeError);
  });
});
