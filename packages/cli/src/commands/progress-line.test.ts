import { describe, expect, it } from 'vitest';
import { ProgressLine, progressBar } from './progress-line.js';
import { CapturedOutput } from './testing/captured-output.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let nowMs = 0;
  return { now: () => nowMs, advance: (ms) => (nowMs += ms) };
}

describe('ProgressLine', () => {
  it('redraws one line in place on a terminal, at most every interval, and ends it', () => {
    const output = new CapturedOutput({ isTTY: true });
    const time = clock();
    const line = new ProgressLine(output, { now: time.now, terminalIntervalMs: 100 });
    line.update('1 B');
    time.advance(50);
    line.update('2 B');
    time.advance(50);
    line.update('3 B');
    time.advance(10);
    line.update('4 B');
    time.advance(200);
    line.update('4 B');
    line.done();
    expect(output.text).toBe('\r1 B\u001b[K\r3 B\u001b[K\r4 B\u001b[K\n');
  });

  it('writes plain lines now and then when not on a terminal', () => {
    const output = new CapturedOutput();
    const time = clock();
    const line = new ProgressLine(output, { now: time.now, plainIntervalMs: 1_000 });
    line.update('a');
    time.advance(500);
    line.update('b');
    time.advance(600);
    line.update('c');
    time.advance(1_000);
    line.update('c');
    line.done();
    line.done();
    expect(output.text).toBe('a\nc\n');
  });

  it('cuts a line wider than the terminal', () => {
    const output = new CapturedOutput({ isTTY: true });
    const line = new ProgressLine(output);
    line.update('x'.repeat(200));
    expect(output.text).toBe(`\r${'x'.repeat(98)}…\u001b[K`);
  });

  it('draws bars', () => {
    expect(progressBar(0, 4)).toBe('[----]');
    expect(progressBar(0.5, 4)).toBe('[##--]');
    expect(progressBar(2, 4)).toBe('[####]');
  });
});
