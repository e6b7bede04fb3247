import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '@faf-replay/app';
import type { RunningServer } from '@faf-replay/app';
import { waitUntil } from '@faf-replay/fixtures';
import type { Wakeup } from '@faf-replay/fixtures';

export interface InProcessServer {
  readonly server: RunningServer;
  /** `127.0.0.1:<port>` of the TCP listener. */
  readonly tcpAddress: string;
  /** `ws://127.0.0.1:<port>` of the WebSocket listener, when a flag enables it. */
  readonly websocketAddress: string | undefined;
  readonly vaultPath: string;
  /** Resolves once the server has logged a line whose message contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
}

/**
 * A real standalone replay server in this process, for the CLI's tests: loopback, port 0, a temp
 * vault, its JSON log kept in memory (never the console), and short delay and grace so that a
 * game ends about a second after its writers. `flags` override any of these.
 */
export async function startInProcessServer(flags: readonly string[] = []): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faf-cli-server-'));
  const vaultPath = join(dataDir, 'vault');
  const log = new LogLines();
  const config = loadConfig([...testServerFlags(dataDir, vaultPath), ...flags], {});
  const server = await startServer(config, { logDestination: log });
  const port = server.addresses.tcp?.port;
  if (port === undefined) throw new Error('the test server has no TCP port');
  const websocketPort = server.addresses.websocket?.port;
  return {
    server,
    tcpAddress: `127.0.0.1:${port}`,
    websocketAddress: websocketPort === undefined ? undefined : `ws://127.0.0.1:${websocketPort}`,
    vaultPath,
    waitForLog: (text, timeoutMs = 10_000) => log.waitFor(text, timeoutMs),
  };
}

/** Only the TCP listener, on loopback port 0; vault and spool in `dataDir`; short delay, grace and linger. */
function testServerFlags(dataDir: string, vaultPath: string): string[] {
  return [
    '--server.host=127.0.0.1',
    '--server.port=0',
    '--server.websocket_port=null',
    '--server.prometheus_port=null',
    '--server.http_port=null',
    '--server.linger_s=0.05',
    '--server.shutdown_timeout_s=5',
    `--storage.vault_path=${vaultPath}`,
    `--storage.spool_path=${join(dataDir, 'spool')}`,
    '--replay.delay_s=0.5',
    '--replay.update_interval_s=0.1',
    '--replay.time_with_zero_writers_to_end_replay_s=0.5',
    '--log.level=info',
    '--log.format=json',
  ];
}

/** A pino destination that keeps each line's message and wakes whoever waits for one. */
class LogLines {
  readonly messages: string[] = [];
  readonly #listeners = new Set<() => void>();

  readonly wakeup: Wakeup = (wake) => {
    this.#listeners.add(wake);
    return () => this.#listeners.delete(wake);
  };

  write(text: string): void {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      this.messages.push(String((JSON.parse(line) as { msg?: unknown }).msg));
    }
    for (const wake of this.#listeners) wake();
  }

  /** Resolves once a line's message contains `text`. */
  waitFor(text: string, timeoutMs: number): Promise<void> {
    return waitUntil(() => (this.messages.some((message) => message.includes(text)) ? true : undefined), {
      what: `log line "${text}"`,
      timeoutMs,
      wakeups: [this.wakeup],
    }).then(() => undefined);
  }
}
