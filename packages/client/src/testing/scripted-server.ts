import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { tcpAddress, websocketAddress } from '../server-address.js';
import type { ServerAddress } from '../server-address.js';

/** The server's side of one connection, as a test scripts it. */
export interface ServerSide {
  /** The request URL (WebSocket; `/` for TCP). */
  readonly url: string;
  /** Every byte received so far. */
  readonly received: () => Buffer;
  /** Resolves with the bytes received once the client ended or the connection closed. */
  readonly done: Promise<{ readonly bytes: Buffer; readonly closeCode: number | null }>;
  /** Resolves once at least `bytes` bytes arrived. */
  receivedAtLeast(bytes: number): Promise<void>;
  send(bytes: Uint8Array): void;
  /** A clean end: FIN, or close 1000. */
  end(): void;
  /** An error: a TCP reset, or a WebSocket close with `code`. */
  fail(code?: number): void;
  pause(): void;
  resume(): void;
}

/** A loopback TCP or WebSocket server on port 0 whose every connection a test scripts. */
export class ScriptedServer {
  readonly connections: ServerSide[];
  readonly address: ServerAddress;
  readonly #close: () => Promise<void>;

  private constructor(address: ServerAddress, connections: ServerSide[], close: () => Promise<void>) {
    this.address = address;
    this.connections = connections;
    this.#close = close;
  }

  static async tcp(onConnection: (side: ServerSide) => void = () => undefined): Promise<ScriptedServer> {
    const sockets = new Set<Socket>();
    const connections: ServerSide[] = [];
    const net: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const side = new TcpSide(socket);
      connections.push(side);
      onConnection(side);
    });
    await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
    const close = async (): Promise<void> => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => net.close(resolve));
    };
    return new ScriptedServer(tcpAddress((net.address() as AddressInfo).port), connections, close);
  }

  static async websocket(
    onConnection: (side: ServerSide) => void = () => undefined,
  ): Promise<ScriptedServer> {
    const connections: ServerSide[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket, request) => {
      const side = new WebSocketSide(socket, request.url ?? '/');
      connections.push(side);
      onConnection(side);
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const close = async (): Promise<void> => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    };
    return new ScriptedServer(websocketAddress((wss.address() as AddressInfo).port), connections, close);
  }

  close(): Promise<void> {
    return this.#close();
  }
}

abstract class RecordingSide {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #waiters: { readonly bytes: number; readonly resolve: () => void }[] = [];

  received = (): Buffer => Buffer.concat(this.#chunks);

  receivedAtLeast(bytes: number): Promise<void> {
    if (this.#bytes >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ bytes, resolve }));
  }

  protected take(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#bytes < waiter.bytes) return true;
      waiter.resolve();
      return false;
    });
  }
}

class TcpSide extends RecordingSide implements ServerSide {
  readonly url = '/';
  readonly done: ServerSide['done'];
  readonly #socket: Socket;

  constructor(socket: Socket) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    socket.on('error', () => undefined);
    this.done = new Promise((resolve) =>
      socket.once('close', () => resolve({ bytes: this.received(), closeCode: null })),
    );
  }

  send(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  end(): void {
    this.#socket.end();
  }

  fail(): void {
    this.#socket.resetAndDestroy();
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }
}

class WebSocketSide extends RecordingSide implements ServerSide {
  readonly url: string;
  readonly done: ServerSide['done'];
  readonly #socket: WebSocket;

  constructor(socket: WebSocket, url: string) {
    super();
    this.url = url;
    this.#socket = socket;
    socket.on('message', (data: Buffer) => this.take(data));
    socket.on('error', () => undefined);
    this.done = new Promise((resolve) =>
      socket.once('close', (code: number) => resolve({ bytes: this.received(), closeCode: code })),
    );
  }

  send(bytes: Uint8Array): void {
    this.#socket.send(bytes);
  }

  end(): void {
    this.#socket.close(1000);
  }

  fail(code = 1011): void {
    this.#socket.close(code);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }
}
