import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import type { GameView } from './game-view.js';
import { pumpStream } from './pump-stream.js';
import type { PumpOutcome } from './pump-stream.js';
import { HttpHarness } from './testing/index.js';

const example = fixture(fixtureFacts.example.file);
const seconds = (s: number): number => s * 1_000;

let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Reads Server-Sent Events from a fetch response, one at a time. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(response: Response) {
    if (response.body === null) throw new Error('no body');
    this.#reader = response.body.getReader();
  }

  /** The next event named `name` (others are skipped). */
  async next(name: string): Promise<SseEvent> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === name && data !== undefined)
          return { event, data: JSON.parse(data) as Record<string, unknown> };
        continue;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`the event stream ended before a "${name}" event`);
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

describe('HttpApiServer: events and shutdown', () => {
  it('sends the list, then each game that appears or changes', async () => {
    const h = (harness = await HttpHarness.start());
    h.play(20n, example);
    await h.core.clock.advance(seconds(1));
    const feed = new SseReader(await h.fetch('/api/v1/events'));
    const snapshot = await feed.next('snapshot');
    expect((snapshot.data['games'] as GameView[]).map((g) => [g.id, g.state])).toEqual([['20', 'waiting']]);
    expect(snapshot.data['server_time']).toBe(new Date(h.core.clock.now()).toISOString());

    h.play(21n, example);
    await h.core.clock.advance(seconds(1));
    let appeared: GameView | undefined;
    while (appeared?.id !== '21') appeared = (await feed.next('game')).data['game'] as GameView;
    expect(appeared.state).toBe('waiting');
    await h.core.clock.advance(seconds(300));
    let live: GameView | undefined;
    while (live?.id !== '21' || live.state !== 'live')
      live = (await feed.next('game')).data['game'] as GameView;
    expect(live.bytes).toBe(example.length);
    await feed.cancel();
  });

  it('ends open streams and event feeds at once on close, a stream cut rather than complete', async () => {
    const h = (harness = await HttpHarness.start());
    h.play(22n, example);
    await h.core.clock.advance(seconds(301));
    const stream = await h.fetch('/api/v1/games/22/stream');
    const events = await h.fetch('/api/v1/events');
    expect(h.server.openResponses).toBe(2);
    const streamBody = stream.arrayBuffer();
    const eventsBody = events.text();
    await h.server.close();
    // The game never ended: a cut stream fails, so that a client resumes instead of stopping.
    await expect(streamBody).rejects.toThrow();
    await expect(eventsBody).resolves.toContain('event: snapshot');
    expect(h.server.openResponses).toBe(0);
  });
});

describe('pumpStream', () => {
  it('holds a bounded amount for a viewer that reads nothing, then drops it', async () => {
    // An endless stream of 64 KiB chunks to a client that never reads: the pump stops pulling
    // once the socket is full, and gives up after the stall timeout.
    let pulledBytes = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      const chunk = new Uint8Array(64 * 1024);
      for (;;) {
        pulledBytes += chunk.length;
        yield chunk;
        await Promise.resolve();
      }
    }
    let pumped: (outcome: PumpOutcome) => void = () => undefined;
    const outcome = new Promise<PumpOutcome>((resolve) => (pumped = resolve));
    const server = createServer((_req, res) => {
      res.writeHead(200);
      void pumpStream(endless(), res, new AbortController().signal, 300).then(pumped);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = request({ port, host: '127.0.0.1', path: '/' }, (res) => {
      res.pause();
      res.socket.pause();
    });
    client.once('error', () => undefined);
    client.end();
    expect(await outcome).toBe('stalled');
    expect(pulledBytes).toBeLessThan(64 * 1024 * 1024);
    client.destroy();
    server.close();
  });
});
