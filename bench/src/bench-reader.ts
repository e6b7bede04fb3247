import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ClientEnding } from './bench-writer.ts';
import { StreamCheck } from './stream-check.ts';
import type { ByteVerdict } from './stream-check.ts';

/**
 * One watcher: sends `G/<id>/<name>\0` and checks every byte it receives against the stream the
 * game's writers send, as it arrives. Reports each arrival so the generator can measure lag.
 */
export class BenchReader {
  readonly #socket: Socket;
  readonly #check: StreamCheck;
  #ending: ClientEnding = 'open';

  constructor(options: {
    readonly port: number;
    readonly connectionHeader: string;
    readonly expected: Uint8Array;
    readonly onArrival: (position: number) => void;
    readonly onClose: (reader: BenchReader) => void;
  }) {
    this.#check = new StreamCheck(options.expected);
    this.#socket = connect({ port: options.port, host: '127.0.0.1' });
    this.#socket.write(options.connectionHeader);
    this.#socket.on('data', (chunk: Buffer) => {
      this.#check.push(chunk);
      options.onArrival(this.#check.position);
    });
    this.#socket.on('end', () => (this.#ending = 'end'));
    this.#socket.on(
      'error',
      (error: NodeJS.ErrnoException) => (this.#ending = `error ${error.code ?? error.message}`),
    );
    this.#socket.on('close', () => {
      if (this.#ending === 'open') this.#ending = 'aborted';
      options.onClose(this);
    });
  }

  get receivedBytes(): number {
    return this.#check.position;
  }

  get ending(): ClientEnding {
    return this.#ending;
  }

  verdict(): ByteVerdict {
    return this.#check.verdict();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
