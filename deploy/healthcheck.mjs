// The container's HEALTHCHECK: exits 0 when the server's ops port answers /healthz with 200.
// The address is the server's own setting, read the way the server reads it, with its own
// loader: the config file (RS_CONFIG_FILE), the RS_* variables, and the flags the server was
// started with (PID 1's command line in the container). HEALTHCHECK_URL overrides all of it.
import { readFileSync } from 'node:fs';

const loaderUrl = new URL('../packages/app/dist/config/load-config.js', import.meta.url);

/** The flags after `main.js [serve]` on PID 1's command line (the container's server), if any. */
function serverFlags() {
  try {
    const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
    const main = args.findIndex((arg) => arg.endsWith('/main.js'));
    if (main < 0) return [];
    const rest = args.slice(main + 1);
    return rest[0] === 'serve' ? rest.slice(1) : rest;
  } catch {
    return [];
  }
}

/** The /healthz URL of the configured ops port, or undefined when the port is disabled. */
async function healthUrl() {
  if (process.env.HEALTHCHECK_URL !== undefined) return process.env.HEALTHCHECK_URL;
  const { loadConfig } = await import(loaderUrl.href);
  const { host, prometheus_port: port } = loadConfig(serverFlags(), process.env).server;
  if (port === null) return undefined;
  const address = host === '::' || host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${address}:${port}/healthz`;
}

try {
  const url = await healthUrl();
  // server.prometheus_port: null disables the ops port: there is nothing to ask, the process runs.
  const response =
    url === undefined ? { ok: true } : await fetch(url, { signal: AbortSignal.timeout(4_000) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
