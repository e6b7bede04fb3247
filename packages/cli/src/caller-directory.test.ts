import { describe, expect, it } from 'vitest';
import { callerDirectory } from './caller-directory.js';

const asScript = {
  INIT_CWD: '/home/me/replays',
  npm_lifecycle_event: 'faf-replay',
  npm_package_json: '/repo/package.json',
};

describe('callerDirectory', () => {
  it("is the caller's directory for the faf-replay script, which pnpm runs in its package", () => {
    expect(callerDirectory(asScript, '/repo')).toBe('/home/me/replays');
    expect(callerDirectory(asScript, '/repo/')).toBe('/home/me/replays');
  });

  it('keeps the directory of any other script, whose own paths are relative to its package', () => {
    expect(callerDirectory({ ...asScript, npm_lifecycle_event: 'test' }, '/repo')).toBe('/repo');
  });

  it('keeps the directory of a process started elsewhere, which inherited INIT_CWD', () => {
    expect(callerDirectory(asScript, '/tmp/run-1')).toBe('/tmp/run-1');
  });

  it('keeps the directory outside package scripts', () => {
    expect(callerDirectory({}, '/repo')).toBe('/repo');
    expect(callerDirectory({ ...asScript, INIT_CWD: '' }, '/repo')).toBe('/repo');
  });
});
