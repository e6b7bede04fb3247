import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vaultReplayPath } from '@faf-replay/adapter-fs';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { gameStream, loadReplaySource } from './replay-source.ts';
import { checkSavedFiles } from './saved-files.ts';

const stream = gameStream(loadReplaySource(fixturePath(fixtureFacts.example.file)));

function save(vault: string, gameId: number, replay: Uint8Array): void {
  const path = vaultReplayPath(vault, BigInt(gameId));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    Buffer.concat([Buffer.from('{"version":2,"compression":"zstd"}\n'), zstdCompressSync(replay)]),
  );
}

describe('checkSavedFiles', () => {
  it('finds each game in the vault layout and compares its replay byte for byte', async () => {
    const vault = mkdtempSync(join(tmpdir(), 'faf-bench-vault-'));
    const wrong = Buffer.from(stream.bytes);
    wrong[5000] = (wrong[5000] ?? 0) ^ 1;
    save(vault, 12_345_678, stream.bytes);
    save(vault, 12_345_679, wrong);
    save(vault, 12_345_680, stream.bytes.subarray(0, 100));
    const games = [12_345_678, 12_345_679, 12_345_680, 12_345_681].map((gameId) => ({ gameId, stream }));
    const check = await checkSavedFiles(vault, games, 0);
    expect(check).toMatchObject({ checked: 4, ok: 1, missing: 1, wrong: 2 });
    expect(check.failures).toEqual([
      `game 12345679: differs from byte 5000 (of ${stream.bytes.length})`,
      `game 12345680: short: 100 of ${stream.bytes.length} bytes`,
      `game 12345681: missing ${vaultReplayPath(vault, 12_345_681n)}`,
    ]);
  });
});
