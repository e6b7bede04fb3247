import { describe, expect, it } from 'vitest';
import { CanonicalStream } from './canonical-stream.js';
import { StreamStateError } from './stream-state-error.js';

const header = Uint8Array.of(72, 69, 65, 68);

/** Lets every pending promise callback run (no time passes: no timers are involved). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Reads a stream in the background, recording what arrived and whether it ended. */
function startReader(stream: CanonicalStream, signal?: AbortSignal) {
  const state = { chunks: [] as Uint8Array[], ended: false };
  const done = (async () => {
    for await (const chunk of stream.read(signal)) state.chunks.push(chunk);
    state.ended = true;
  })();
  return {
    state,
    done,
    bytes: (): number[] => state.chunks.flatMap((chunk) => [...chunk]),
  };
}

function streamWithHeader(): CanonicalStream {
  const stream = new CanonicalStream();
  stream.setHeader(header);
  return stream;
}

describe('CanonicalStream', () => {
  it('takes the first header only', () => {
    const stream = new CanonicalStream();
    expect(stream.setHeader(header)).toBe(true);
    expect(stream.setHeader(Uint8Array.of(1))).toBe(false);
    expect(stream.header).toBe(header);
  });

  it('moves the delayed length forwards only, and never past the length', () => {
    const stream = streamWithHeader();
    stream.append(new Uint8Array(10));
    stream.advanceDelayedTo(4);
    stream.advanceDelayedTo(2);
    expect(stream.delayedLength).toBe(4);
    stream.advanceDelayedTo(50);
    expect(stream.delayedLength).toBe(10);
  });

  it('lets readers have everything when it finishes', () => {
    const stream = streamWithHeader();
    stream.append(new Uint8Array(10));
    stream.finish();
    expect(stream.finished).toBe(true);
    expect(stream.delayedLength).toBe(10);
    expect(() => {
      stream.append(Uint8Array.of(1));
    }).toThrow(StreamStateError);
  });

  it('gives the body as views for saving', () => {
    const stream = streamWithHeader();
    for (let i = 0; i < 1000; i++) stream.append(Uint8Array.of(i % 256));
    const body = stream.body();
    expect(body).toHaveLength(1);
    expect([...(body[0] ?? [])]).toEqual(Array.from({ length: 1000 }, (_, i) => i % 256));
  });

  it('sends the header at once, not delayed, then waits for the delayed body', async () => {
    const stream = streamWithHeader();
    stream.append(Uint8Array.of(1, 2, 3));
    const reader = startReader(stream);
    await settle();
    expect(reader.state.chunks).toEqual([header]);
    expect(reader.state.ended).toBe(false);
  });

  it('wakes a reader when the delayed length advances, and ends it when finished', async () => {
    const stream = new CanonicalStream();
    const reader = startReader(stream);
    await settle();
    expect(reader.state.chunks).toEqual([]);
    stream.setHeader(header);
    stream.append(Uint8Array.of(1, 2, 3, 4, 5));
    stream.advanceDelayedTo(2);
    await settle();
    expect(reader.bytes()).toEqual([...header, 1, 2]);
    stream.advanceDelayedTo(4);
    await settle();
    expect(reader.bytes()).toEqual([...header, 1, 2, 3, 4]);
    expect(reader.state.ended).toBe(false);
    stream.finish();
    await reader.done;
    expect(reader.bytes()).toEqual([...header, 1, 2, 3, 4, 5]);
  });

  it('gives a late reader everything from offset 0', async () => {
    const stream = streamWithHeader();
    stream.append(new Uint8Array(200_000).fill(7));
    stream.advanceDelayedTo(150_000);
    const reader = startReader(stream);
    await settle();
    expect(reader.bytes().length).toBe(header.length + 150_000);
    stream.finish();
    await reader.done;
    expect(reader.bytes().length).toBe(header.length + 200_000);
  });

  it('ends a reader at once when finished without a header', async () => {
    const stream = new CanonicalStream();
    stream.finish();
    const reader = startReader(stream);
    await reader.done;
    expect(reader.state.chunks).toEqual([]);
  });

  it('stops a waiting reader when its signal aborts', async () => {
    const stream = streamWithHeader();
    const abort = new AbortController();
    const reader = startReader(stream, abort.signal);
    await settle();
    abort.abort();
    await reader.done;
    expect(reader.state.chunks).toEqual([header]);
    stream.append(Uint8Array.of(1));
    stream.advanceDelayedTo(1);
    await settle();
    expect(reader.state.chunks).toEqual([header]);
  });

  it('serves thousands of readers from one shared copy', async () => {
    const stream = streamWithHeader();
    const readers = Array.from({ length: 2000 }, () => startReader(stream));
    stream.append(Uint8Array.of(1, 2, 3));
    stream.advanceDelayedTo(3);
    stream.finish();
    await Promise.all(readers.map((reader) => reader.done));
    for (const reader of readers) expect(reader.bytes()).toEqual([...header, 1, 2, 3]);
    const bodyViews = readers.map((reader) => reader.state.chunks[1]?.buffer);
    expect(new Set(bodyViews).size).toBe(1);
  });
});
