import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaselineRelay } from './baseline-relay.ts';

let relay: BaselineRelay;
let port: number;
const sockets: Socket[] = [];

beforeEach(async () => {
  relay = new BaselineRelay(50);
  port = await relay.listen();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await relay.close();
});

function open(header: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.write(header);
  sockets.push(socket);
  return socket;
}

/** Everything a socket receives until the relay closes it. */
function received(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
}

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (condition()) resolve();
      else setImmediate(poll);
    };
    poll();
  });
}

describe('BaselineRelay', () => {
  it("forwards the first writer's bytes to early and late readers, and ends them with it", async () => {
    const first = open('P/7/first\0head-');
    await until(() => relay.liveGames === 1);
    open('P/7/second\0ignored');
    const early = received(open('G/7/early\0'));
    first.write('body-1');
    await until(() => first.bytesWritten >= 'P/7/first\0head-body-1'.length);
    const late = received(open('G/7/late\0'));
    first.end('body-2');
    expect((await early).toString()).toBe('head-body-1body-2');
    expect((await late).toString()).toBe('head-body-1body-2');
  });

  it('keeps an ended game for its grace period, then forgets it', async () => {
    const writer = open('P/9/only\0whole-game');
    await until(() => relay.liveGames === 1);
    writer.end();
    await until(() => writer.closed);
    expect((await received(open('G/9/in-grace\0'))).toString()).toBe('whole-game');
    await until(() => relay.liveGames === 0);
    expect((await received(open('G/9/too-late\0'))).length).toBe(0);
  });

  it('closes a reader of a game that has no writer, sending nothing', async () => {
    expect((await received(open('G/8/nobody\0'))).length).toBe(0);
  });

  it('drops a connection whose header is neither P/ nor G/', async () => {
    expect((await received(open('X/9/what\0'))).length).toBe(0);
  });
});
