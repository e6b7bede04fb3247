import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';

/** A task the test finishes by hand. */
function controlled(): {
  task: () => Promise<void>;
  started: () => boolean;
  finish: (error?: Error) => void;
} {
  let started = false;
  let settle: ((error?: Error) => void) | undefined;
  return {
    task: () =>
      new Promise<void>((resolve, reject) => {
        started = true;
        settle = (error) => (error === undefined ? resolve() : reject(error));
      }),
    started: () => started,
    finish: (error) => settle?.(error),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order, and frees a slot on failure', async () => {
    const gate = new ConcurrencyLimit(2);
    const tasks = [controlled(), controlled(), controlled(), controlled()];
    const runs = tasks.map((t) => gate.run(t.task));
    await turn();
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false]);
    expect(gate.waiting).toBe(2);
    tasks[0]?.finish(new Error('task 0 failed'));
    await expect(runs[0]).rejects.toThrow('task 0 failed');
    await turn();
    expect(tasks.map((t) => t.started())).toEqual([true, true, true, false]);
    tasks[1]?.finish();
    await turn();
    expect(tasks[3]?.started()).toBe(true);
    tasks[2]?.finish();
    tasks[3]?.finish();
    await Promise.all(runs.slice(1));
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
