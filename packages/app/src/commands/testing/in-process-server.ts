import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.js';
import { startServer } from '../../start-server.js';
import type { RunningServer } from '../../start-server.js';

export interface InProcessServer {
  readonly server: RunningServer;
  /** `127.0.0.1:<port>` of the TCP listener. */
  readonly tcpAddress: string;
  readonly vaultPath: string;
}

/**
 * A real standalone replay server in this process, for the CLI's tests: loopback, port 0, a temp
 * vault, no log output, and short delay and grace so that a game ends about a second after its
 * writers. `flags` override any of these.
 */
export async function startInProcessServer(flags: readonly string[] = []): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faf-cli-server-'));
  const vaultPath = join(dataDir, 'vault');
  const config = loadConfig(
    [
      '--server.host=127.0.0.1',
      '--server.port=0',
      '--server.websocket_port=null',
      '--server.prometheus_port=null',
      '--server.linger_s=0.05',
      '--server.shutdown_timeout_s=5',
      `--storage.vault_path=${vaultPath}`,
      `--storage.spool_path=${join(dataDir, 'spool')}`,
      '--replay.delay_s=0.5',
      '--replay.update_interval_s=0.1',
      '--replay.time_with_zero_writers_to_end_replay_s=0.5',
      '--log.level=silent',
      ...flags,
    ],
    {},
  );
  const server = await startServer(config, { logDestination: { write: () => undefined } });
  const port = server.addresses.tcp?.port;
  if (port === undefined) throw new Error('the test server has no TCP port');
  return { server, tcpAddress: `127.0.0.1:${port}`, vaultPath };
}
