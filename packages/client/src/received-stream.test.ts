import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { ReceivedStream } from './received-stream.js';

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

describe('ReceivedStream', () => {
  it.each([1, 7, 1_000, 65_536])('counts header, ticks and frames of chunks of %i bytes', (size) => {
    const example = fixture(fixtureFacts.example.file);
    const stream = new ReceivedStream();
    const ticksSeen: number[] = [];
    for (const chunk of chunksOf(example, size)) {
      stream.push(chunk);
      ticksSeen.push(stream.ticks);
    }
    expect(ticksSeen.every((ticks, i) => i === 0 || ticks >= (ticksSeen[i - 1] ?? 0))).toBe(true);
    expect(stream.ticks).toBe(fixtureFacts.example.ticks);
    expect(stream.gameTimeS).toBeCloseTo(192.8, 5);
    const summary = stream.finish();
    expect(summary).toMatchObject({
      bytes: fixtureFacts.example.bytes,
      headerBytes: fixtureFacts.example.headerBytes,
      headerProblem: null,
      body: { status: 'ok', ticks: fixtureFacts.example.ticks, endsWithEndGame: true },
    });
    expect(
      firstDifference(
        summary.header ?? new Uint8Array(),
        example.subarray(0, fixtureFacts.example.headerBytes),
      ),
    ).toBe(-1);
  });

  it('reports a header cut short, and nothing at all', () => {
    const cut = new ReceivedStream();
    cut.push(fixture(fixtureFacts.example.file).subarray(0, 100));
    expect(cut.finish()).toMatchObject({ bytes: 100, header: null, headerBytes: null, body: null });
    expect(cut.finish().headerProblem).toContain('the stream ended inside the replay header');
    expect(new ReceivedStream().finish()).toEqual({
      bytes: 0,
      header: null,
      headerBytes: null,
      headerProblem: null,
      body: null,
    });
  });
});
