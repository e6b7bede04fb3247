import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { newOwnerId, processStartMs } from './owner-heartbeat.js';
import { isDeadOnThisHost } from './orphan-scan.js';

const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_');

describe('a crashed predecessor on this host', () => {
  it('is known dead at once: its pid is gone, or it is our own pid with another start time', () => {
    const self = newOwnerId();
    const restarted = `${host}-${process.pid}-${processStartMs() - 60_000}-abcdef`;
    const sibling = `${host}-${process.pid}-${processStartMs()}-abcdef`;
    const gone = `${host}-4194303-${processStartMs() - 60_000}-abcdef`;
    const elsewhere = `another-host-4194303-${processStartMs()}-abcdef`;
    expect(isDeadOnThisHost(restarted, self)).toBe(true);
    expect(isDeadOnThisHost(gone, self)).toBe(true);
    expect(isDeadOnThisHost(sibling, self)).toBe(false);
    expect(isDeadOnThisHost(elsewhere, self)).toBe(false);
    expect(isDeadOnThisHost('an-older-format-id', self)).toBe(false);
  });
});
