import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tcpAddress, websocketAddress } from '@faf-replay/client';
import type { TcpAddress, WebSocketAddress } from '@faf-replay/client';
import { waitUntil } from '@faf-replay/fixtures';
import type { Wakeup } from '@faf-replay/fixtures';

const mainJs = fileURLToPath(new URL('../../../packages/app/dist/main.js', import.meta.url));

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface AppExit {
  readonly code: number | null;
  /** The signal that killed it: the default action of a signal it did not handle. */
  readonly signal: NodeJS.Signals | null;
}

export interface AppPorts {
  readonly tcp: number;
  readonly websocket: number;
  readonly metrics: number;
  /** The HTTP API's port, when it is on. */
  readonly http?: number;
}

/** Flags for a quick test server: any free ports, a short delay and grace, JSON logs. */
export function testFlags(dataDir: string): string[] {
  return [
    '--server.port=0',
    '--server.websocket_port=0',
    '--server.prometheus_port=0',
    '--server.http_port=0',
    '--server.linger_s=0.05',
    `--storage.vault_path=${join(dataDir, 'vault')}`,
    `--storage.spool_path=${join(dataDir, 'spool')}`,
    '--replay.delay_s=1',
    '--replay.update_interval_s=0.1',
    '--replay.time_with_zero_writers_to_end_replay_s=1',
    '--log.format=json',
    '--log.level=debug',
  ];
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'faf-e2e-'));
}

/**
 * The app, started the way `main` starts it: `node packages/app/dist/main.js` with flags and
 * environment, in its own process. Its JSON log lines are collected for assertions.
 */
export class AppProcess {
  readonly logs: LogLine[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<AppExit>;
  /** Called on every log line and at exit: what waits look again on. */
  readonly #listeners = new Set<() => void>();
  readonly #triggers: { match: (line: LogLine) => boolean; action: () => void }[] = [];
  #ports: AppPorts | undefined;
  #stderrTail = '';
  #stderr = '';

  private constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.#child = spawn(process.execPath, [mainJs, ...args], {
      // Freed merge blocks are poisoned: a broken lease shows as corrupt bytes in every e2e check.
      env: { PATH: process.env['PATH'], FAF_REPLAY_POISON_FREED_BLOCKS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // 'close', not 'exit': it comes once stderr is drained, so the last log lines are in.
    this.#exited = new Promise((resolve) =>
      this.#child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
        resolve({ code, signal }),
      ),
    );
    this.#child.once('exit', () => this.#wakeAll());
    let buffered = '';
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr += text;
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#takeLine(line);
    });
  }

  static async start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    const app = new AppProcess(args, env);
    await app.waitForLog((line) => line.msg === 'faf-replay-server listening', 20_000);
    return app;
  }

  /** The app, spawned without waiting for it to listen (for starts that fail, and races). */
  static launch(args: readonly string[], env: NodeJS.ProcessEnv = {}): AppProcess {
    return new AppProcess(args, env);
  }

  /** Everything it wrote to stderr (JSON log lines, or plain text before the logger exists). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Runs `action` as soon as a matching log line is read, before any other line is handled. */
  onLog(match: (line: LogLine) => boolean, action: () => void): void {
    this.#triggers.push({ match, action });
  }

  /** Sends a signal, without waiting for the exit. */
  signal(signal: NodeJS.Signals): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
  }

  /** Resolves with how it exited; rejects when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs = 10_000): Promise<AppExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms: ${this.#stderrTail}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get ports(): AppPorts {
    if (this.#ports === undefined) throw new Error('the app has not reported its ports');
    return this.#ports;
  }

  /** The app's raw TCP listener, for clients. */
  get tcp(): TcpAddress {
    return tcpAddress(this.ports.tcp);
  }

  /** The app's WebSocket listener, for clients. */
  get websocket(): WebSocketAddress {
    return websocketAddress(this.ports.websocket);
  }

  /** Wakes a wait at every log line and at exit. */
  readonly wakeup: Wakeup = (wake) => {
    this.#listeners.add(wake);
    return () => this.#listeners.delete(wake);
  };

  /** Resolves with the first log line that matches, waiting up to `timeoutMs`. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const probe = (): LogLine | undefined => {
      const found = this.logs.find(match);
      if (found === undefined && this.#child.exitCode !== null)
        throw new Error(`the app exited (${this.#child.exitCode}): ${this.#stderrTail}`);
      return found;
    };
    try {
      return await waitUntil(probe, { what: 'matching log line', timeoutMs, wakeups: [this.wakeup] });
    } catch (error) {
      if (this.#child.exitCode !== null) throw error;
      throw new Error(`${(error as Error).message}: ${this.#stderrTail}`, { cause: error });
    }
  }

  /** Waits until `count` log lines contain `text`. */
  async waitForLogCount(text: string, count: number, timeoutMs = 10_000): Promise<void> {
    await this.waitForLog(() => this.logsMatching(text).length >= count, timeoutMs);
  }

  logsMatching(text: string): LogLine[] {
    return this.logs.filter((line) => line.msg.includes(text));
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.signal(signal);
    return (await this.#exited).code;
  }

  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.ports.metrics}/metrics`);
    return response.text();
  }

  #takeLine(text: string): void {
    this.#stderrTail = (this.#stderrTail + text + '\n').slice(-4_000);
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    this.logs.push(line);
    for (const trigger of this.#triggers) if (trigger.match(line)) trigger.action();
    if (line.msg === 'faf-replay-server listening') {
      this.#ports = {
        tcp: line['tcpPort'] as number,
        websocket: line['websocketPort'] as number,
        metrics: line['metricsPort'] as number,
        ...(typeof line['httpPort'] === 'number' ? { http: line['httpPort'] } : {}),
      };
    }
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const wake of this.#listeners) wake();
  }
}
