import type { Server } from 'node:net';
import { ListenError } from './listen-error.js';
import type { ListeningAddress } from './listener-options.js';

/**
 * The accept queue's length. Node's default (511) overflowed in the load benchmark when the
 * event loop stalled for a second with thousands of games connecting: the kernel then resets
 * new connections. The kernel caps it at `net.core.somaxconn` (4096 on current Linux).
 */
const acceptBacklog = 4_096;

/** Binds `server`; rejects with a `ListenError` naming the address when that fails. */
export function listenOn(server: Server, host: string | undefined, port: number): Promise<ListeningAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      const where = host === undefined ? `port ${port}` : `${host} port ${port}`;
      reject(new ListenError(`cannot listen on ${where}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(
      host === undefined ? { port, backlog: acceptBacklog } : { host, port, backlog: acceptBacklog },
      () => {
        server.off('error', onError);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new ListenError(`listening on ${String(address)}, which is not a TCP address`));
          return;
        }
        resolve({ host: address.address, port: address.port });
      },
    );
  });
}
