import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vaultReplayPath } from '@faf-replay/adapter-fs';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { checkSavedPrefixes, prefixVerdict } from './saved-prefix.ts';

const stream = fixture(fixtureFacts.example.file);

function save(vault: string, gameId: number, replay: Uint8Array): void {
  const path = vaultReplayPath(vault, BigInt(gameId));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    Buffer.concat([Buffer.from('{"version":2,"compression":"zstd"}\n'), zstdCompressSync(replay)]),
  );
}

describe('prefixVerdict', () => {
  const game = { stream, sentBytes: 10_000, allowanceBytes: 500 };

  it('takes a prefix of what was sent lacking at most the allowance, and says how much it lacks', () => {
    expect(prefixVerdict(stream.subarray(0, 10_000), game)).toEqual({ status: 'ok', lackingBytes: 0 });
    expect(prefixVerdict(stream.subarray(0, 9_500), game)).toEqual({ status: 'ok', lackingBytes: 500 });
  });

  it('refuses a prefix lacking more, bytes that differ, and more than was sent', () => {
    expect(prefixVerdict(stream.subarray(0, 9_499), game)).toEqual({
      status: 'short',
      lackingBytes: 501,
      allowanceBytes: 500,
    });
    const wrong = Buffer.from(stream.subarray(0, 9_800));
    wrong[4_321] = (wrong[4_321] ?? 0) ^ 1;
    expect(prefixVerdict(wrong, game)).toEqual({ status: 'differs', offset: 4_321 });
    expect(prefixVerdict(stream.subarray(0, 10_001), game)).toEqual({ status: 'longer', savedBytes: 10_001 });
  });
});

describe('checkSavedPrefixes', () => {
  it('reads each game from the vault layout and counts what it finds', async () => {
    const vault = mkdtempSync(join(tmpdir(), 'faf-bench-prefix-'));
    const wrong = Buffer.from(stream.subarray(0, 10_000));
    wrong[7] = (wrong[7] ?? 0) ^ 1;
    save(vault, 12_345_678, stream.subarray(0, 10_000));
    save(vault, 12_345_679, stream.subarray(0, 9_900));
    save(vault, 12_345_680, wrong);
    save(vault, 12_345_681, stream.subarray(0, 5_000));
    const games = [12_345_678, 12_345_679, 12_345_680, 12_345_681, 12_345_682].map((gameId) => ({
      gameId,
      stream,
      sentBytes: 10_000,
      allowanceBytes: 100,
    }));
    const check = await checkSavedPrefixes(vault, games, 0);
    expect(check).toMatchObject({ checked: 5, ok: 2, missing: 1, wrong: 1, short: 1 });
    expect(check).toMatchObject({ lackingBytesMax: 100, lackingBytesTotal: 100 });
    expect(check.failures).toEqual([
      'game 12345680: differs from byte 7 (of 10000 sent)',
      'game 12345681: lacks 5000 of 10000 bytes sent (allowed 100)',
      `game 12345682: missing ${vaultReplayPath(vault, 12_345_682n)}`,
    ]);
  });
});
