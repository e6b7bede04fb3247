// The HTTP fan-out bench (not a test): one process serving N concurrent HTTP stream viewers of
// one game, then segment requests per second. The viewers and the segment load run in a child
// process, so the server's CPU time is its own. Run it with `pnpm --filter
// @faf-replay/adapter-http bench` (after `pnpm build`); `--viewers N` (default 5000); `--json`
// prints the figures as one JSON line (`HttpFanoutFigures`), as `pnpm bench` reads them.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { get, Agent } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { HttpApiServer } from '../http-api-server.js';
import { RealTimeService, systemClock } from '../testing/index.js';

interface ViewerReport {
  readonly connected: number;
  readonly complete: number;
  readonly failed: number;
  readonly bytes: number;
  readonly clientCpuMs: number;
}

interface SegmentReport {
  readonly segmentCount: number;
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
}

/** What the server saw of one run. */
interface ServerRun {
  readonly viewers: number;
  readonly streamBytes: number;
  readonly connected: number;
  readonly peakOpen: number;
  readonly serverCpuMs: number;
  readonly elapsedS: number;
}

interface ViewerTally {
  connected: number;
  complete: number;
  failed: number;
  bytes: number;
}

const GAME_ID = 77n;
const CHUNKS = 100;

/** What `--json` prints: the figures of one run. */
export interface HttpFanoutFigures {
  readonly viewers: number;
  readonly streamBytes: number;
  readonly connected: number;
  /** Stream responses open at once, as the server counted them. */
  readonly heldAtOnce: number;
  readonly complete: number;
  readonly failed: number;
  readonly deliveredMb: number;
  readonly elapsedS: number;
  readonly serverCpuS: number;
  readonly cpuMsPerViewerMb: number;
  readonly segmentRequestsPerS: number;
  readonly segmentRequestsFailed: number;
}

async function server(viewers: number, json: boolean): Promise<void> {
  const long = fixture(fixtureFacts.long.file);
  const { headerBytes } = fixtureFacts.long;
  const body = long.subarray(headerBytes);
  const { live, http, port } = await startServers(viewers);
  const writer = live.writer(GAME_ID);
  writer.client.send(Buffer.concat([long.subarray(0, headerBytes), bodyPart(body, 0)]));
  // Watchable after the delay; the viewers join before the rest of the body comes.
  await watchable(live);
  const child = fork(fileURLToPath(import.meta.url), [
    'viewers',
    String(port),
    String(viewers),
    String(long.length),
  ]);
  const connected = Number(await nextMessage(child));
  const peakOpen = http.openResponses;
  const usage = usageFromNow();
  // The body over 20 s in 100 chunks: the game goes on while they watch.
  for (let i = 1; i < CHUNKS; i++) {
    writer.client.send(bodyPart(body, i));
    await delay(200);
  }
  // Past the delay, while the game is still live: segment requests per second.
  await delay(3_000);
  const segments = await segmentLoad(port, child);
  writer.client.close();
  const report = (await nextMessage(child)) as ViewerReport;
  const { serverCpuMs, elapsedS } = usage();
  child.kill();
  await http.close();
  await live.close();
  const run: ServerRun = { viewers, streamBytes: long.length, connected, peakOpen, serverCpuMs, elapsedS };
  process.stdout.write(
    json ? `${JSON.stringify(figures(run, report, segments))}\n` : summary(run, report, segments),
  );
}

function figures(run: ServerRun, report: ViewerReport, segments: SegmentReport): HttpFanoutFigures {
  const deliveredMb = report.bytes / 1e6;
  return {
    viewers: run.viewers,
    streamBytes: run.streamBytes,
    connected: run.connected,
    heldAtOnce: run.peakOpen,
    complete: report.complete,
    failed: report.failed,
    deliveredMb,
    elapsedS: run.elapsedS,
    serverCpuS: run.serverCpuMs / 1000,
    cpuMsPerViewerMb: run.serverCpuMs / deliveredMb,
    segmentRequestsPerS: segments.requests / segments.seconds,
    segmentRequestsFailed: segments.failed,
  };
}

/** The live service, and its HTTP port with room for every viewer. */
async function startServers(
  viewers: number,
): Promise<{ live: RealTimeService; http: HttpApiServer; port: number }> {
  const live = await RealTimeService.start({ delayMs: 2_000, updateIntervalMs: 500, graceMs: 1_000 });
  const http = new HttpApiServer({
    host: '127.0.0.1',
    port: 0,
    directory: live.service.directory,
    clock: systemClock,
    rateLimit: false,
    maxOpenPerIp: viewers + 10,
    maxOpenResponses: viewers + 10,
  });
  const { port } = await http.listen();
  return { live, http, port };
}

/** Part `i` of the body cut in `CHUNKS` nearly equal parts. */
function bodyPart(body: Uint8Array, i: number): Uint8Array {
  return body.subarray(Math.floor((i * body.length) / CHUNKS), Math.floor(((i + 1) * body.length) / CHUNKS));
}

async function watchable(live: RealTimeService): Promise<void> {
  while (
    live.service.directory.stream(GAME_ID)?.length === 0 ||
    live.service.directory.stream(GAME_ID) === undefined
  ) {
    await delay(100);
  }
}

/** The server's CPU time and the wall time from now on, read by calling the returned function. */
function usageFromNow(): () => { serverCpuMs: number; elapsedS: number } {
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpuBefore);
    return { serverCpuMs: (cpu.user + cpu.system) / 1000, elapsedS: (performance.now() - startedMs) / 1000 };
  };
}

function summary(run: ServerRun, report: ViewerReport, segments: SegmentReport): string {
  const { viewers, streamBytes, connected, peakOpen, serverCpuMs, elapsedS } = run;
  const megabytes = report.bytes / 1e6;
  const lines = [
    `HTTP fan-out: ${viewers} viewers of one game (${streamBytes} bytes, body sent over ~20 s, delay 2 s)`,
    `  viewers connected: ${connected}; held at once (server count): ${peakOpen}; complete: ${report.complete}; failed: ${report.failed}`,
    `  delivered: ${megabytes.toFixed(0)} MB in ${elapsedS.toFixed(1)} s`,
    `  server CPU: ${(serverCpuMs / 1000).toFixed(1)} s = ${(serverCpuMs / megabytes).toFixed(2)} ms per viewer-MB; ${((serverCpuMs / 1000 / elapsedS) * 100).toFixed(0)}% of a core`,
    `  segments: ${(segments.requests / segments.seconds).toFixed(0)} requests/s over ${segments.seconds} s (${segments.segmentCount} segments, 64 keep-alive connections, ${segments.failed} failed)`,
  ];
  return `${lines.join('\n')}\n`;
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message)));
}

async function segmentLoad(port: number, child: ChildProcess): Promise<SegmentReport> {
  child.send({ segments: port });
  return (await nextMessage(child)) as SegmentReport;
}

/** The child: opens the viewers, reports once connected, then once they all ended. */
async function viewers(port: number, count: number, expectedBytes: number): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const tally: ViewerTally = { connected: 0, complete: 0, failed: 0, bytes: 0 };
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const onConnected = (): void => {
    tally.connected++;
    if (tally.connected === count) process.send?.(tally.connected);
  };
  const done = Array.from({ length: count }, () =>
    watchWhole(port, agent, expectedBytes, tally, onConnected),
  );
  process.once('message', (message: { segments: number }) => void segmentRequests(message.segments));
  await Promise.all(done);
  const cpu = process.cpuUsage(cpuBefore);
  process.send?.({ ...tally, clientCpuMs: (cpu.user + cpu.system) / 1000 });
}

/** One viewer of the whole stream: counted connected, then complete (every byte) or failed. */
function watchWhole(
  port: number,
  agent: Agent,
  expectedBytes: number,
  tally: ViewerTally,
  onConnected: () => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const fail = (): void => {
      tally.failed++;
      resolve();
    };
    let received = 0;
    const request = get(
      { host: '127.0.0.1', port, path: `/api/v1/games/${GAME_ID}/stream`, agent },
      (response) => {
        onConnected();
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', () => {
          tally.bytes += received;
          if (received === expectedBytes) tally.complete++;
          else tally.failed++;
          resolve();
        });
        response.on('error', fail);
      },
    );
    request.on('error', fail);
  });
}

/** The child: 64 keep-alive connections asking for segments for 5 s. */
async function segmentRequests(port: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sync = (await (await fetch(`http://127.0.0.1:${port}/api/v1/games/${GAME_ID}/sync`)).json()) as {
    segments: number;
  };
  const endMs = performance.now() + 5_000;
  let requests = 0;
  let failed = 0;
  const worker = async (n: number): Promise<void> => {
    for (let i = n; performance.now() < endMs; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        get(
          { host: '127.0.0.1', port, path: `/api/v1/games/${GAME_ID}/segments/${i % sync.segments}`, agent },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode === 200));
          },
        ).on('error', () => resolve(false));
      });
      if (ok) requests++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: 64 }, (_, n) => worker(n)));
  process.send?.({ segmentCount: sync.segments, requests, failed, seconds: 5 });
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'viewers') {
  await viewers(Number(rest[0]), Number(rest[1]), Number(rest[2]));
} else {
  const index = process.argv.indexOf('--viewers');
  await server(index > 0 ? Number(process.argv[index + 1]) : 5_000, process.argv.includes('--json'));
}
