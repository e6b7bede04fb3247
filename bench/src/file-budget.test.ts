import { describe, expect, it } from 'vitest';
import { RESERVED_FILES, fileBudget, gamesWithinLimit } from './file-budget.ts';

describe('the open-file budget', () => {
  it('fits when the connections and the reserve are within the limit', () => {
    expect(fileBudget(20_000, 5_000)).toEqual({
      fits: true,
      neededFiles: 5_000 + RESERVED_FILES,
      fileLimit: 20_000,
      advice: '',
    });
  });

  it('tells the operator how to raise the limit when it does not fit', () => {
    const budget = fileBudget(1_024, 5_000);
    expect(budget.fits).toBe(false);
    expect(budget.advice).toContain('ulimit -n 20000');
    expect(budget.advice).toContain(`needs ${5_000 + RESERVED_FILES} open files`);
  });

  it('caps games at what the limit holds', () => {
    expect(gamesWithinLimit(20_000, 8)).toBe(Math.floor((20_000 - RESERVED_FILES) / 8));
    expect(gamesWithinLimit(100, 8)).toBe(0);
  });
});
