/** A MySQL/MariaDB server on which test suites may create and drop scratch databases. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export type TestServerLookup =
  | { readonly available: true; readonly server: TestServer }
  | { readonly available: false; readonly reason: string };

const mariadbImage = 'mariadb:10.11';
let containerServer: Promise<TestServer | undefined> | undefined;

/**
 * The server of `E2E_MYSQL_URL`; else, where Docker runs, one MariaDB container per process
 * (testcontainers' reaper removes it when the process exits); else, under `REQUIRE_MYSQL=1`, a
 * loud error; else a reason to skip.
 */
export async function findTestServer(
  env: NodeJS.ProcessEnv = process.env,
  startContainer: () => Promise<TestServer | undefined> = sharedContainer,
): Promise<TestServerLookup> {
  const url = env['E2E_MYSQL_URL'];
  if (url !== undefined && url !== '') return { available: true, server: parseServerUrl(url) };
  const server = await startContainer();
  if (server !== undefined) return { available: true, server };
  if (env['REQUIRE_MYSQL'] === '1') {
    throw new Error(
      'REQUIRE_MYSQL=1 but there is no database: set E2E_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306) or run Docker',
    );
  }
  return {
    available: false,
    reason: 'no MySQL/MariaDB: set E2E_MYSQL_URL=mysql://root@127.0.0.1:3306 or run Docker',
  };
}

/** `mysql://user:password@host:port` (also `mariadb://`); the port defaults to 3306. */
export function parseServerUrl(url: string): TestServer {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`E2E_MYSQL_URL must be mysql://user:password@host:port, got ${parsed.protocol} URL`);
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
  };
}

function sharedContainer(): Promise<TestServer | undefined> {
  containerServer ??= startMariaDbContainer();
  return containerServer;
}

async function startMariaDbContainer(): Promise<TestServer | undefined> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  // Docker is there: a container that does not start is a failure, not a reason to skip.
  const { MariaDbContainer } = await import('@testcontainers/mariadb');
  const container = await new MariaDbContainer(mariadbImage).withRootPassword('faf-test').start();
  return {
    host: container.getHost(),
    port: container.getPort(),
    user: 'root',
    password: container.getRootPassword(),
  };
}
