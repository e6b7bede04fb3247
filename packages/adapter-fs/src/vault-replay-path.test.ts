import { describe, expect, it } from 'vitest';
import { vaultReplayPath } from './vault-replay-path.js';

describe('vaultReplayPath', () => {
  it.each([
    [0n, '0/0/0/0/0.fafreplay'],
    [1n, '0/0/0/0/1.fafreplay'],
    [99n, '0/0/0/0/99.fafreplay'],
    [100n, '0/0/0/1/100.fafreplay'],
    [2000n, '0/0/0/20/2000.fafreplay'],
    [12345n, '0/0/1/23/12345.fafreplay'],
    [1234567n, '0/1/23/45/1234567.fafreplay'],
    [11111111n, '0/11/11/11/11111111.fafreplay'],
    [11111112n, '0/11/11/11/11111112.fafreplay'],
    [101010101n, '1/1/1/1/101010101.fafreplay'],
    [1123456789n, '11/23/45/67/1123456789.fafreplay'],
    [5500550055n, '55/0/55/0/5500550055.fafreplay'],
    [111122223333n, '11/22/22/33/111122223333.fafreplay'],
    [2n ** 64n - 1n, '37/9/55/16/18446744073709551615.fafreplay'],
  ])('puts game %s at %s', (gameId, below) => {
    expect(vaultReplayPath('/vault', gameId)).toBe(`/vault/${below}`);
  });

  it('keeps games of the same hundred in one folder', () => {
    const dirOf = (id: bigint) => vaultReplayPath('v', id).split('/').slice(0, -1).join('/');
    expect(dirOf(11111111n)).toBe(dirOf(11111112n));
  });
});
