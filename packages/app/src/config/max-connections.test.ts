import { describe, expect, it } from 'vitest';
import { effectiveMaxConnections } from './max-connections.js';

describe('server.max_connections', () => {
  it('is taken as configured', () => {
    expect(effectiveMaxConnections(500, 20_000)).toBe(500);
  });

  it('is, when null, the open-file limit less a reserve for files, the database and probes', () => {
    expect(effectiveMaxConnections(null, 20_000)).toBe(18_000);
    expect(effectiveMaxConnections(null, 1_024)).toBe(896);
    expect(effectiveMaxConnections(null, 100)).toBe(1);
    expect(effectiveMaxConnections(null, undefined)).toBe(896);
  });
});
