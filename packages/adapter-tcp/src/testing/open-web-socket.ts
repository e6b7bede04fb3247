import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';

/** Opens a `ws` client; rejects when the handshake fails. */
export function openWebSocket(url: string, options?: ClientOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const webSocket = new WebSocket(url, options);
    webSocket.once('error', reject);
    webSocket.once('open', () => {
      webSocket.off('error', reject);
      resolve(webSocket);
    });
  });
}

export interface ReceivedMessages {
  readonly messages: readonly Buffer[];
  /** Whether each message was binary. */
  readonly binary: readonly boolean[];
  readonly closeCode: number;
  readonly lastMessageAt: number;
  readonly closedAt: number;
}

/** Collects a client's incoming messages until the WebSocket closes. */
export function receiveMessages(webSocket: WebSocket): Promise<ReceivedMessages> {
  const messages: Buffer[] = [];
  const binary: boolean[] = [];
  let lastMessageAt = Number.NaN;
  webSocket.on('message', (data, isBinary) => {
    messages.push(
      Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]),
    );
    binary.push(isBinary);
    lastMessageAt = performance.now();
  });
  webSocket.on('error', () => {
    // A failed connection still ends in 'close', which reports it through its code.
  });
  return new Promise((resolve) => {
    webSocket.once('close', (closeCode: number) => {
      resolve({ messages, binary, closeCode, lastMessageAt, closedAt: performance.now() });
    });
  });
}
