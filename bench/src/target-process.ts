import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heapSnapshotFlags } from './heap-snapshot.ts';

/** A log line of the process under test at warn level or above, kept as evidence. */
export interface ProblemLine {
  readonly level: number;
  readonly msg: string;
  readonly line: string;
}

export type TargetKind = 'server' | 'relay';

const KEPT_PROBLEM_LINES = 20;
const KEPT_TAIL_LINES = 10;
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 60_000;

/** Settings of the server under test that differ between scenarios. */
export interface ServerSettings {
  readonly delayS: number;
  readonly graceS: number;
  readonly lingerS?: number;
  /** Where `node --cpu-prof` writes the profile, when profiling. */
  readonly cpuProfileDir?: string;
  /** An existing data directory to start on (a restart on the same vault, spool and live path). */
  readonly dataDir?: string;
  /** The log's file name in the data directory (a restart keeps the first process's log). */
  readonly logName?: string;
  /** `storage.fsync_interval_s` (the server's default is 1 s). */
  readonly fsyncIntervalS?: number;
  /** `storage.live_owner_stale_s`: how old a dead process's heartbeat must be before its games are adopted. */
  readonly liveOwnerStaleS?: number;
  /** How long to wait for the "listening" line (a start that recovers hundreds of games takes longer). */
  readonly startupTimeoutMs?: number;
  /** Let `reachableHeapBytes` ask the server for heap snapshots (written to `heapSnapshotDir`). */
  readonly heapSnapshots?: boolean;
  /** `storage.compression_level` (the server's default is 10). */
  readonly compressionLevel?: number;
}

/**
 * The process under test, started as production starts it, in its own process: the replay
 * server (`node packages/app/dist/main.js serve`) or the baseline relay. Ports come from its
 * "listening" JSON log line on stderr; warn and error lines are kept as evidence.
 */
export class TargetProcess {
  readonly kind: TargetKind;
  readonly problems: ProblemLine[] = [];
  /** A temporary directory holding the vault, the spool and the process's whole log. */
  readonly dataDir: string;
  /** The vault the server saves into (undefined for the relay). */
  readonly vaultPath: string | undefined;
  readonly logPath: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #problemCount = 0;
  readonly #tail: string[] = [];
  #tcpPort: number | undefined;
  #metricsPort: number | undefined;
  #onListening: (() => void) | undefined;

  private constructor(kind: TargetKind, args: readonly string[], dataDir: string, logName = `${kind}.log`) {
    this.kind = kind;
    this.dataDir = dataDir;
    this.vaultPath = kind === 'server' ? join(dataDir, 'vault') : undefined;
    this.logPath = join(dataDir, logName);
    // The server's environment is the image's (deploy/Dockerfile): two malloc arenas.
    const env = { ...process.env, MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] ?? '2' };
    // Its stdout (nothing, unless a tried flag such as --trace-gc prints there) goes to a file.
    const stdout = openSync(`${this.logPath}.stdout`, 'w');
    this.#child = spawn(process.execPath, args, { stdio: ['ignore', stdout, 'pipe'], env });
    closeSync(stdout);
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    // A runner that crashes must not leave a server holding thousands of sockets (Ctrl-C reaches
    // the whole process group anyway).
    const killOnExit = (): void => {
      this.#child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    this.#child.once('exit', () => process.off('exit', killOnExit));
    this.#readStderr();
  }

  static async startServer(settings: ServerSettings): Promise<TargetProcess> {
    const dataDir = settings.dataDir ?? temporaryDir();
    const profiling =
      settings.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`];
    const snapshots = settings.heapSnapshots === true ? heapSnapshotFlags(heapSnapshotDir(dataDir)) : [];
    // Node flags to try on the server (e.g. `--trace-gc`, `--max-semi-space-size=4`); some are not
    // allowed in NODE_OPTIONS.
    const tried = (process.env['BENCH_SERVER_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
    const args = [
      ...tried,
      ...profiling,
      ...snapshots,
      serverMainPath(),
      'serve',
      ...serverFlags(settings, dataDir),
    ];
    const target = new TargetProcess('server', args, dataDir, settings.logName);
    return TargetProcess.#started(target, settings.startupTimeoutMs);
  }

  /** The baseline relay, keeping ended games for `graceS` as the server keeps replays. */
  static async startRelay(graceS = 3): Promise<TargetProcess> {
    const relayMain = fileURLToPath(new URL('relay-main.ts', import.meta.url));
    const args = ['--experimental-strip-types', relayMain, `--grace-ms=${graceS * 1000}`];
    return TargetProcess.#started(new TargetProcess('relay', args, temporaryDir()));
  }

  static async #started(target: TargetProcess, timeoutMs = STARTUP_TIMEOUT_MS): Promise<TargetProcess> {
    const listening = new Promise<void>((resolve) => (target.#onListening = resolve));
    const timeout = AbortSignal.timeout(timeoutMs);
    const failed = new Promise<never>((_, reject) => {
      void target.#exited.then((code) =>
        reject(new Error(`${target.kind} exited with ${code} before listening`)),
      );
      timeout.addEventListener('abort', () => reject(new Error(`${target.kind} did not start listening`)));
    });
    try {
      await Promise.race([listening, failed]);
    } catch (error) {
      target.#child.kill('SIGKILL');
      const log = target.problems.map((problem) => problem.line).join('\n');
      throw new Error(`${(error as Error).message}: ${log}`, { cause: error });
    }
    return target;
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error(`${this.kind} has no pid`);
    return this.#child.pid;
  }

  get tcpPort(): number {
    if (this.#tcpPort === undefined) throw new Error(`${this.kind} has not reported its port`);
    return this.#tcpPort;
  }

  get metricsPort(): number | undefined {
    return this.#metricsPort;
  }

  /** Why the process is gone, with its last log lines; undefined while it runs. */
  get death(): string | undefined {
    const { exitCode, signalCode } = this.#child;
    if (exitCode === null && signalCode === null) return undefined;
    return `${this.kind} exited (${signalCode ?? `code ${exitCode}`}); last log lines:\n${this.#tail.join('\n')}`;
  }

  /** Warn-or-worse log lines seen, including those not kept. */
  get problemCount(): number {
    return this.#problemCount;
  }

  /** SIGTERM (a graceful shutdown, which also writes a CPU profile), SIGKILL if it hangs. */
  async stop(): Promise<number | null> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.#child.exitCode;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await this.#exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL: ends a server whose graceful shutdown would save thousands of cut games at once. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** Deletes the data directory of a stopped process. */
  removeData(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  #readStderr(): void {
    let buffered = '';
    this.#child.stderr?.pipe(createWriteStream(this.logPath));
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#takeLine(line);
    });
  }

  #takeLine(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > KEPT_TAIL_LINES) this.#tail.shift();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.#keepProblem({ level: 50, msg: 'unparsable stderr line', line });
      return;
    }
    const msg = typeof parsed['msg'] === 'string' ? parsed['msg'] : '';
    if (msg.endsWith('listening') && typeof parsed['tcpPort'] === 'number') {
      this.#tcpPort = parsed['tcpPort'];
      this.#metricsPort = typeof parsed['metricsPort'] === 'number' ? parsed['metricsPort'] : undefined;
      this.#onListening?.();
    }
    const level = typeof parsed['level'] === 'number' ? parsed['level'] : 30;
    if (level >= 40) this.#keepProblem({ level, msg, line });
  }

  #keepProblem(problem: ProblemLine): void {
    this.#problemCount++;
    if (this.problems.length < KEPT_PROBLEM_LINES) this.problems.push(problem);
  }
}

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'faf-bench-'));
}

/** Where a server started in `dataDir` with `heapSnapshots` writes them. */
export function heapSnapshotDir(dataDir: string): string {
  return join(dataDir, 'heap');
}

/** Where a server started in `dataDir` keeps its live games' logs (`storage.live_path`). */
export function liveLogPath(dataDir: string): string {
  return join(dataDir, 'live');
}

function serverMainPath(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@faf-replay/app'))), 'main.js');
}

function serverFlags(settings: ServerSettings, dataDir: string): string[] {
  return [
    '--server.port=0',
    '--server.websocket_port=null',
    '--server.prometheus_port=0',
    '--server.http_port=0',
    `--server.linger_s=${settings.lingerS ?? 1}`,
    `--storage.vault_path=${join(dataDir, 'vault')}`,
    `--storage.spool_path=${join(dataDir, 'spool')}`,
    `--storage.live_path=${liveLogPath(dataDir)}`,
    ...(settings.fsyncIntervalS === undefined
      ? []
      : [`--storage.fsync_interval_s=${settings.fsyncIntervalS}`]),
    ...(settings.liveOwnerStaleS === undefined
      ? []
      : [`--storage.live_owner_stale_s=${settings.liveOwnerStaleS}`]),
    ...(settings.compressionLevel === undefined
      ? []
      : [`--storage.compression_level=${settings.compressionLevel}`]),
    `--replay.delay_s=${settings.delayS}`,
    `--replay.time_with_zero_writers_to_end_replay_s=${settings.graceS}`,
    // Info level is production's: the "listening" line carries the ports, and a replay logs 3 lines.
    '--log.level=info',
    '--log.format=json',
    // Settings to try (e.g. `--storage.compression_level=3`), after the bench's own.
    ...(process.env['BENCH_SERVER_ARGS'] ?? '').split(' ').filter((flag) => flag !== ''),
  ];
}
