import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { ClientError } from './client-error.js';
import { readHttpStream } from './http-stream.js';

const example = fixture(fixtureFacts.example.file);

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server scripted per request: each handler gets the requested offset. */
async function scripted(
  handlers: ((offset: number, request: IncomingMessage, response: ServerResponse) => void)[],
): Promise<{ url: string; offsets: number[] }> {
  const offsets: number[] = [];
  server = createServer((request, response) => {
    const offset = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('offset') ?? '0');
    offsets.push(offset);
    const handler = handlers[offsets.length - 1];
    if (handler === undefined) response.writeHead(500).end();
    else handler(offset, request, response);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/games/7/stream`, offsets };
}

/** Sends the stream from `offset` up to `cutAt`, then drops the connection. */
function cutAt(cut: number) {
  return (offset: number, _request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.write(example.subarray(offset, cut), () => response.destroy());
  };
}

function whole(offset: number, _request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream' });
  response.end(example.subarray(offset));
}

describe('readHttpStream', () => {
  it('resumes a cut stream from the offset it has, and hands on each byte once', async () => {
    const { url, offsets } = await scripted([cutAt(5_000), cutAt(20_000), whole]);
    const chunks: Uint8Array[] = [];
    const result = await readHttpStream(url, {
      onChunk: (c) => void chunks.push(c),
      resumeDelayMs: 1,
      track: true,
    });
    expect(result.ending).toEqual({ kind: 'end' });
    expect(offsets).toEqual([0, 5_000, 20_000]);
    expect(result.resumes).toBe(2);
    expect(firstDifference(Buffer.concat(chunks), example)).toBe(-1);
    expect(result.summary?.body).toMatchObject({ status: 'ok', ticks: fixtureFacts.example.ticks });
  });

  it('asks again for a chunk its handler failed to take: no gap after the resume', async () => {
    const { url, offsets } = await scripted([whole, whole]);
    const chunks: Uint8Array[] = [];
    let failures = 0;
    const result = await readHttpStream(url, {
      onChunk: (chunk) => {
        if (failures++ === 0) throw new Error('disk hiccup');
        chunks.push(chunk);
      },
      resumeDelayMs: 1,
    });
    expect(result.ending).toEqual({ kind: 'end' });
    expect(offsets).toEqual([0, 0]);
    expect(firstDifference(Buffer.concat(chunks), example)).toBe(-1);
  });

  it('waits out a Retry-After while the game is not watchable yet', async () => {
    const early = (_offset: number, _request: IncomingMessage, response: ServerResponse): void => {
      response.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'not_watchable_yet', message: 'not yet' }));
    };
    const { url, offsets } = await scripted([early, whole]);
    const why: string[] = [];
    const result = await readHttpStream(url, {
      retryUntilMs: performance.now() + 10_000,
      resumeDelayMs: 1,
      onRetry: (reason) => why.push(reason),
    });
    expect(result.ending).toEqual({ kind: 'end' });
    expect(result.receivedBytes).toBe(example.length);
    expect(offsets).toEqual([0, 0]);
    expect(why).toEqual(['503: not yet']);
  });

  it('reports a refusal with its status, and an unreachable server as a ClientError', async () => {
    const gone = (_offset: number, _request: IncomingMessage, response: ServerResponse): void => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'game_not_found', message: 'game 7 is not live here' }));
    };
    const { url } = await scripted([gone]);
    const result = await readHttpStream(url);
    expect(result.refusedStatus).toBe(404);
    expect(result.ending).toEqual({
      kind: 'failed',
      code: 'HTTP_404',
      reason: '404: game 7 is not live here',
    });
    await expect(readHttpStream('http://127.0.0.1:1/api/v1/games/7/stream')).rejects.toBeInstanceOf(
      ClientError,
    );
  });

  it('gives up after resumes in a row that bring nothing', async () => {
    const { url, offsets } = await scripted([cutAt(100), cutAt(100), cutAt(100), cutAt(100)]);
    const result = await readHttpStream(url, { resumeDelayMs: 1, maxResumes: 2 });
    expect(result.ending.kind).toBe('failed');
    expect(offsets).toEqual([0, 100, 100, 100]);
    expect(result.receivedBytes).toBe(100);
  });
});
