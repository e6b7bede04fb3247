import { describe, expect, it } from 'vitest';
import { parseFigures } from './scenario-http.ts';

describe('the HTTP fan-out figures', () => {
  it('reads the last line the fan-out bench printed', () => {
    const line = JSON.stringify({ heldAtOnce: 3, cpuMsPerViewerMb: 1.5, viewers: 3 });
    expect(parseFigures(`starting\n${line}\n`)).toMatchObject({ heldAtOnce: 3, cpuMsPerViewerMb: 1.5 });
  });

  it('says so when the bench printed no figures', () => {
    expect(() => parseFigures('{"viewers":3}\n')).toThrow(/printed no figures/);
    expect(() => parseFigures('')).toThrow();
  });
});
