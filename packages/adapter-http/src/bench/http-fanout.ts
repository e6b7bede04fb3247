// The HTTP fan-out bench (not a test): one process serving N concurrent HTTP stream viewers of
// one game, then segment requests per second. The viewers and the segment load run in a child
// process, so the server's CPU time is its own. Run it with `pnpm --filter
// @faf-replay/adapter-http bench` (after `pnpm build`); `--viewers N` (default 5000).
import { fork } from 'node:child_process';
import { get, Agent } from 'node:http';
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

const GAME_ID = 77n;

async function server(viewers: number): Promise<void> {
  const long = fixture(fixtureFacts.long.file);
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
  const writer = live.writer(GAME_ID);
  const headerBytes = fixtureFacts.long.headerBytes;
  const chunks = 100;
  const body = long.subarray(headerBytes);
  const part = (i: number): Uint8Array =>
    body.subarray(Math.floor((i * body.length) / chunks), Math.floor(((i + 1) * body.length) / chunks));
  writer.client.send(Buffer.concat([long.subarray(0, headerBytes), part(0)]));
  // Watchable after the delay; the viewers join before the rest of the body comes.
  while (
    live.service.directory.stream(GAME_ID)?.length === 0 ||
    live.service.directory.stream(GAME_ID) === undefined
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const child = fork(fileURLToPath(import.meta.url), [
    'viewers',
    String(port),
    String(viewers),
    String(long.length),
  ]);
  const connected = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const peakOpen = http.openResponses;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  // The body over 20 s in 100 chunks: the game goes on while they watch.
  for (let i = 1; i < chunks; i++) {
    writer.client.send(part(i));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Past the delay, while the game is still live: segment requests per second.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const segments = await segmentLoad(port, child);
  writer.client.close();
  const report = await new Promise<ViewerReport>((resolve) =>
    child.once('message', (m) => resolve(m as ViewerReport)),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedS = (performance.now() - startedMs) / 1000;
  const serverCpuMs = (cpu.user + cpu.system) / 1000;
  const megabytes = report.bytes / 1e6;
  child.kill();
  await http.close();
  await live.close();
  const lines = [
    `HTTP fan-out: ${viewers} viewers of one game (${long.length} bytes, body sent over ~20 s, delay 2 s)`,
    `  viewers connected: ${connected}; held at once (server count): ${peakOpen}; complete: ${report.complete}; failed: ${report.failed}`,
    `  delivered: ${megabytes.toFixed(0)} MB in ${elapsedS.toFixed(1)} s`,
    `  server CPU: ${(serverCpuMs / 1000).toFixed(1)} s = ${(serverCpuMs / megabytes).toFixed(2)} ms per viewer-MB; ${((serverCpuMs / 1000 / elapsedS) * 100).toFixed(0)}% of a core`,
    `  segments: ${(segments.requests / segments.seconds).toFixed(0)} requests/s over ${segments.seconds} s (${segments.segmentCount} segments, 64 keep-alive connections, ${segments.failed} failed)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function segmentLoad(port: number, child: ReturnType<typeof fork>): Promise<SegmentReport> {
  child.send({ segments: port });
  return new Promise<SegmentReport>((resolve) => child.once('message', (m) => resolve(m as SegmentReport)));
}

/** The child: opens the viewers, reports once connected, then once they all ended. */
async function viewers(port: number, count: number, expectedBytes: number): Promise<void> {
  const cpuBefore = process.cpuUsage();
  let connected = 0;
  let complete = 0;
  let failed = 0;
  let bytes = 0;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const done = Array.from(
    { length: count },
    () =>
      new Promise<void>((resolve) => {
        let received = 0;
        const request = get(
          { host: '127.0.0.1', port, path: `/api/v1/games/${GAME_ID}/stream`, agent },
          (response) => {
            connected++;
            if (connected === count) process.send?.(connected);
            response.on('data', (chunk: Buffer) => (received += chunk.length));
            response.on('end', () => {
              bytes += received;
              if (received === expectedBytes) complete++;
              else failed++;
              resolve();
            });
            response.on('error', () => {
              failed++;
              resolve();
            });
          },
        );
        request.on('error', () => {
          failed++;
          resolve();
        });
      }),
  );
  process.once('message', (message: { segments: number }) => void segmentRequests(message.segments));
  await Promise.all(done);
  const cpu = process.cpuUsage(cpuBefore);
  process.send?.({ connected, complete, failed, bytes, clientCpuMs: (cpu.user + cpu.system) / 1000 });
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
  await server(index > 0 ? Number(process.argv[index + 1]) : 5_000);
}
