import { createServer } from 'node:net';

/** A loopback port that was free a moment ago and has no listener: connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

/**
 * Database options pointing at a closed loopback port: a database that is down. Connecting is
 * refused at once, so calls fail after the retries without waiting for a timeout.
 */
export async function unreachableDatabaseOptions(): Promise<{
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
}> {
  return { host: '127.0.0.1', port: await closedPort(), user: 'u', password: '', name: 'n' };
}
