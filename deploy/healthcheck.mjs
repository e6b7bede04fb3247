// The container's HEALTHCHECK: exits 0 when the server's ops port answers /healthz with 200.
// The port follows the server's own setting (RS_SERVER_PROMETHEUS_PORT), 8001 by default.
const port = process.env.RS_SERVER_PROMETHEUS_PORT ?? '8001';
const url = process.env.HEALTHCHECK_URL ?? `http://127.0.0.1:${port}/healthz`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
