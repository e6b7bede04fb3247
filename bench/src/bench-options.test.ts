import { describe, expect, it } from 'vitest';
import { BenchUsageError, SCENARIOS, parseBenchOptions } from './bench-options.ts';

describe('the runner flags', () => {
  it('defaults to the short run of every scenario', () => {
    const options = parseBenchOptions(['--']);
    expect(options.mode).toBe('short');
    expect([...options.scenarios]).toEqual([...SCENARIOS]);
    expect(options.profile.size).toBe(0);
  });

  it('takes --full, --profile, --only, --keep-data and --no-report', () => {
    const options = parseBenchOptions([
      '--full',
      '--profile',
      '--only=peak,memory',
      '--keep-data',
      '--no-report',
    ]);
    expect(options).toMatchObject({ mode: 'full', keepData: true, dryRun: true });
    expect([...options.profile]).toEqual(['throughput']);
    expect([...options.scenarios]).toEqual(['peak', 'memory']);
    expect([...parseBenchOptions(['--profile=peak,throughput']).profile]).toEqual(['peak', 'throughput']);
    expect([...parseBenchOptions(['--only=recovery,ended']).scenarios]).toEqual(['recovery', 'ended']);
  });

  it('names an unknown flag or scenario', () => {
    expect(() => parseBenchOptions(['--fast'])).toThrow(new BenchUsageError('unknown option --fast'));
    expect(() => parseBenchOptions(['--only=peak,speed'])).toThrow(/unknown scenario "speed"/);
    expect(() => parseBenchOptions(['--profile=memory'])).toThrow(/cannot profile "memory"/);
  });
});
