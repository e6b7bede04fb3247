import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tcpAddress } from '@faf-replay/client';
import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { readAndVerify } from './verifying-reader.js';
import type { ReaderExpectation, ReaderResult } from './verifying-reader.js';

const example = fixture(fixtureFacts.example.file);
let server: Server | undefined;
let connections = 0;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** A fake replay server whose every reader, once its header arrives, gets `bytes` and a clean close. */
async function serving(bytes: (connection: number) => Uint8Array): Promise<number> {
  connections = 0;
  server = createServer((socket: Socket) => {
    const connection = ++connections;
    socket.once('data', () => socket.end(bytes(connection)));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function verify(port: number, expectation: ReaderExpectation, retryMs = 0): Promise<ReaderResult> {
  return readAndVerify({
    address: tcpAddress(port),
    gameId: 1n,
    name: 'r',
    expectation,
    progress: { bytesReceived: 0 },
    retryUntilMs: performance.now() + retryMs,
  });
}

describe('readAndVerify', () => {
  it('passes a reader that received the stream exactly', async () => {
    const port = await serving(() => example);
    expect(await verify(port, { kind: 'exact', stream: example })).toEqual({
      name: 'r',
      bytesReceived: 43_544,
      verdict: 'ok',
      detail: 'received exactly the 43,544 bytes sent',
    });
  });

  it('names the first differing byte', async () => {
    const changed = Buffer.from(example);
    changed[20_000] = (changed[20_000] ?? 0) ^ 0xff;
    const port = await serving(() => changed);
    const result = await verify(port, { kind: 'exact', stream: example });
    expect(result).toMatchObject({
      verdict: 'failed',
      detail: 'differs from the sent stream at byte 20,000 (received 43,544 of 43,544 bytes)',
    });
    const shortPort = await serving(() => example.subarray(0, 100));
    expect((await verify(shortPort, { kind: 'exact', stream: example })).detail).toBe(
      'the stream ended early: received the first 100 of the 43,544 bytes sent',
    );
  });

  it('asks again while the server sends nothing, then fails saying so', async () => {
    const port = await serving((connection) => (connection < 3 ? new Uint8Array() : example));
    expect(await verify(port, { kind: 'exact', stream: example }, 5_000)).toMatchObject({ verdict: 'ok' });
    expect(connections).toBe(3);
    const nothing = await serving(() => new Uint8Array());
    expect(await verify(nothing, { kind: 'exact', stream: example })).toMatchObject({
      verdict: 'failed',
      detail: 'the server sent nothing (the game was not running)',
    });
  });

  it('checks a merge of diverging writers by its header and a body that walks', async () => {
    const streams = divergingStreams();
    const headers = streams.map((stream) => stream.subarray(0, fixtureFacts.diverging.headerBytes));
    const good = await serving(() => streams[5] ?? new Uint8Array());
    expect(await verify(good, { kind: 'merged', headers })).toMatchObject({
      verdict: 'ok',
      detail: "a writer's header and a merged body of 722 ticks",
    });
    const foreign = await serving(() => example);
    expect((await verify(foreign, { kind: 'merged', headers })).detail).toBe(
      'the header received is none of the headers sent',
    );
    const cut = await serving(() => (streams[5] ?? new Uint8Array()).subarray(0, -1));
    expect((await verify(cut, { kind: 'merged', headers })).detail).toBe('the merged body is truncated');
  });
});
