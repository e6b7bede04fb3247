import { Server as NodeServer, Socket } from 'node:net';
import type { OnReadOpts, Server, SocketConstructorOpts } from 'node:net';

/** The size of Node's own socket reads: a read never waits for a larger buffer to fill. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Every read of every adopted socket lands here. One buffer is enough: Node runs each read's
 * callback on the main thread, one at a time, and the chunk is consumed before the callback
 * returns (`TransportEvents.data`), so no read can overwrite bytes still in use.
 */
const sharedReadBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);

/** Where an adopted socket's reads go; set once its transport starts. */
export class SocketReads {
  #onData: ((chunk: Uint8Array) => void) | undefined;

  /**
   * Starts reading `socket` (the adopted one); `onData` gets each read as a view of the shared
   * buffer, valid only until it returns. Called at most once.
   */
  listen(socket: Socket, onData: (chunk: Uint8Array) => void): void {
    this.#onData = onData;
    socket.resume();
  }

  /** @internal Node's `onread` callback: `byteCount` bytes were read into the shared buffer. */
  deliver(byteCount: number): void {
    this.#onData?.(sharedReadBuffer.subarray(0, byteCount));
  }
}

export interface AdoptedSocket {
  readonly socket: Socket;
  /** Undefined when the socket could not be adopted: it emits `data` as usual. */
  readonly reads: SocketReads | undefined;
}

/** The members of Node's `net.Socket` that the adoption moves; not in Node's public typings. */
interface SocketInternals {
  _handle: unknown;
  server: unknown;
  _server: unknown;
}

/** `socket` with the members the adoption moves, when Node's socket has them. */
function internalsOf(socket: Socket): (Socket & SocketInternals) | undefined {
  return '_handle' in socket && 'server' in socket && '_server' in socket ? socket : undefined;
}

type AdoptionOptions = Omit<SocketConstructorOpts, 'handle'> & {
  readonly handle: object;
  readonly pauseOnCreate: boolean;
};

/**
 * Node reads a socket into a fresh ArrayBuffer per `data` chunk (64 KiB each for a busy
 * writer): a writer's bytes then cost garbage and V8 major GCs (external memory pressure) in
 * proportion to the bytes ingested. Node reads into a caller's buffer only for a socket built
 * with the `onread` option, which `net.Server` does not offer for the sockets it accepts. So
 * an `accepted` socket, from a server created with `pauseOnConnect` (nothing read yet), is
 * rebuilt over the same handle with `onread`, and the old object lets go of the handle without
 * closing it. The handle keeps the server's `noDelay` and keep-alive settings; the new socket
 * takes over the server's connection count (`getConnections`, `close`), which its own
 * `destroy` gives back. Where Node's internals differ from what this expects, the socket is
 * left as it is and resumed.
 */
export function adoptWithSharedReadBuffer(accepted: Socket): AdoptedSocket {
  const internals = internalsOf(accepted);
  const handle = internals?._handle;
  const server = internals?._server;
  if (internals === undefined || !isReadableHandle(handle) || !isServer(server) || accepted.destroyed)
    return unadopted(accepted);
  const reads = new SocketReads();
  internals._handle = null;
  internals.server = null;
  internals._server = null;
  const onread: OnReadOpts = {
    buffer: sharedReadBuffer,
    callback: (byteCount) => {
      reads.deliver(byteCount);
      return true;
    },
  };
  // `handle` (an accepted TCP handle, not the typings' `BoundSocket`) and `pauseOnCreate` are
  // what Node's own `Server` passes for an accepted socket.
  const options: AdoptionOptions = {
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    readable: true,
    writable: true,
    // Reading starts when the transport listens (`SocketReads.listen`), so no read is lost.
    pauseOnCreate: true,
    onread,
  };
  const socket = new Socket(options as SocketConstructorOpts);
  const adopted = internalsOf(socket);
  if (adopted === undefined) throw new Error('a net.Socket without the members it was built with');
  adopted.server = server;
  adopted._server = server;
  return { socket, reads };
}

function unadopted(accepted: Socket): AdoptedSocket {
  accepted.resume();
  return { socket: accepted, reads: undefined };
}

function isServer(value: unknown): value is Server {
  return value instanceof NodeServer;
}

function isReadableHandle(handle: unknown): handle is object {
  if (typeof handle !== 'object' || handle === null) return false;
  const methods = handle as { readStart?: unknown; useUserBuffer?: unknown };
  return typeof methods.readStart === 'function' && typeof methods.useUserBuffer === 'function';
}
