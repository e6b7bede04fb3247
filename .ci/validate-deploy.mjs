#!/usr/bin/env node
// CI check of the deployment files, since CI has no Docker engine: every YAML file under deploy/
// parses; docker-compose.yml, the Kubernetes manifests (validate-kubernetes.mjs) and the
// Dockerfile have the structure the README promises; every config they carry loads with the
// server's own loader (FAF mode, no unknown key), uses its default ports and the README's
// database; the container's healthcheck asks the configured port. Run after `pnpm build`:
// node .ci/validate-deploy.mjs
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkKubernetes, checkRollingOverlay } from './validate-kubernetes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const deployDir = join(root, 'deploy');
const { parseAllDocuments } = createRequire(join(root, 'packages/app/package.json'))('yaml');
const appDist = join(root, 'packages/app/dist/index.js');
if (!existsSync(appDist)) fail([`${relative(root, appDist)} is missing: run pnpm build first`]);
const { loadConfig, readConfig } = await import(appDist);

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};

const defaults = loadConfig([], {}).server;
const defaultPorts = [defaults.port, defaults.websocket_port, defaults.prometheus_port];
const readmeDatabase = /GRANT SELECT ON (\w+)\.\*/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
check(readmeDatabase !== undefined, "README.md: no GRANT statement naming FAF's database");
const documents = parseYamlFiles(deployDir);

checkComposeFile(documents.get('deploy/docker-compose.yml')?.[0]);
checkKubernetes(join(deployDir, 'kubernetes'), {
  check,
  documents,
  defaults,
  defaultPorts,
  loadServerConfig: checkServerConfig,
});
checkRollingOverlay(join(deployDir, 'kubernetes-rolling'), {
  check,
  documents,
  loadServerConfig: checkServerConfig,
});
const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
checkDockerfile(dockerfile);
checkNodeVersionFiles(dockerfile);
await checkHealthcheck();

if (problems.length > 0) fail(problems);
console.log(`validate-deploy: ${documents.size} YAML files, the Dockerfile and the configs are consistent`);

function fail(messages) {
  console.error(`validate-deploy: ${messages.length} problem(s):\n  ${messages.join('\n  ')}`);
  process.exit(1);
}

/** Every *.yml / *.yaml under `dir`, each parsed into its documents (a parse error is a problem). */
function parseYamlFiles(dir) {
  const parsed = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const file = relative(root, path);
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    for (const doc of docs) for (const error of doc.errors) problems.push(`${file}: ${error.message}`);
    parsed.set(
      file,
      docs.map((doc) => doc.toJS()).filter((doc) => doc !== null && doc !== undefined),
    );
  }
  check(parsed.size > 0, 'deploy/ holds no YAML file');
  return parsed;
}

/**
 * Loads a server config the way the server does (FAF mode with a password), or reports why not:
 * a deployed config has no key the server would warn about, and names the README's database.
 */
function checkServerConfig(yamlText, where) {
  const dir = mkdtempSync(join(tmpdir(), 'validate-deploy-'));
  try {
    writeFileSync(join(dir, 'config.yml'), yamlText);
    const { config, warnings } = readConfig([], {
      RS_CONFIG_FILE: join(dir, 'config.yml'),
      RS_DB_PASSWORD: 'x',
    });
    for (const warning of warnings)
      problems.push(`${where}: ${warning.replaceAll(join(dir, 'config.yml'), where)}`);
    check(config.mode === 'faf', `${where}: the config does not select FAF mode (no database section)`);
    check(
      config.database.name === readmeDatabase,
      `${where}: database.name ${config.database.name} is not the README's ${readmeDatabase}`,
    );
    const ports = [config.server.port, config.server.websocket_port, config.server.prometheus_port];
    check(
      String(ports) === String(defaultPorts),
      `${where}: ports ${ports} differ from the defaults ${defaultPorts}`,
    );
    return config;
  } catch (error) {
    const message = error.message.replaceAll(join(dir, 'config.yml'), where);
    problems.push(`${where}: the server cannot load this config: ${message}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkComposeFile(compose) {
  const where = 'deploy/docker-compose.yml';
  if (compose === undefined) return void problems.push(`${where} is missing`);
  const services = Object.values(compose.services ?? {});
  const mariadb = services.find((service) => String(service.image ?? '').startsWith('mariadb:11'));
  const server = services.find((service) => service.build?.dockerfile === 'deploy/Dockerfile');
  check(mariadb !== undefined, `${where}: no mariadb:11 service`);
  check(server !== undefined, `${where}: no service built from deploy/Dockerfile`);
  if (mariadb !== undefined) {
    const mounts = (mariadb.volumes ?? []).map((volume) =>
      String(volume).replace(/\$\{\w+:-([^}]*)\}/g, '$1'),
    );
    for (const sql of ['faf-schema.sql', 'faf-test-data.sql']) {
      const mount = mounts.find((volume) => volume.includes(`${sql}:/docker-entrypoint-initdb.d/`));
      check(mount !== undefined, `${where}: mariadb does not load ${sql} from /docker-entrypoint-initdb.d`);
      const source = mount?.split(':')[0];
      if (source !== undefined)
        check(existsSync(resolve(deployDir, source)), `${where}: ${source} does not exist`);
    }
  }
  if (server !== undefined) checkComposeServer(server, where, mariadb);
}

function checkComposeDatabase(mariadb, config, where) {
  const env = mariadb?.environment ?? {};
  check(
    env.MARIADB_DATABASE === config.database.name && env.MARIADB_USER === config.database.user,
    `${where}: mariadb creates ${env.MARIADB_USER}@${env.MARIADB_DATABASE}, the server uses ${config.database.user}@${config.database.name}`,
  );
}

function checkComposeServer(server, where, mariadb) {
  const env = server.environment ?? {};
  check(
    env.RS_CONFIG_FILE !== undefined && env.RS_DB_PASSWORD !== undefined,
    `${where}: the server needs RS_CONFIG_FILE and RS_DB_PASSWORD`,
  );
  const published = (server.ports ?? []).map(String);
  const publishedPorts = published.map((port) => Number(port.split(':').at(-1)));
  for (const port of defaultPorts)
    check(publishedPorts.includes(port), `${where}: the server does not publish port ${port}`);
  const opsPublished = published.filter(
    (port) => Number(port.split(':').at(-1)) === defaults.prometheus_port,
  );
  check(
    opsPublished.every((port) => port.startsWith('127.0.0.1:')),
    `${where}: the ops port ${defaults.prometheus_port} must be published on 127.0.0.1 only`,
  );
  const configMount = (server.volumes ?? [])
    .map(String)
    .find((volume) => volume.split(':')[1] === env.RS_CONFIG_FILE);
  check(configMount !== undefined, `${where}: nothing is mounted at RS_CONFIG_FILE (${env.RS_CONFIG_FILE})`);
  const configFile = configMount === undefined ? undefined : resolve(deployDir, configMount.split(':')[0]);
  if (configFile !== undefined && existsSync(configFile)) {
    const config = checkServerConfig(readFileSync(configFile, 'utf8'), relative(root, configFile));
    const graceS = parseDurationS(server.stop_grace_period ?? '10s');
    if (config !== undefined) {
      const { shutdown_timeout_s: timeoutS, shutdown_cut_grace_s: cutGraceS } = config.server;
      check(
        graceS > timeoutS + cutGraceS,
        `${where}: stop_grace_period ${graceS} s is not above shutdown_timeout_s + shutdown_cut_grace_s`,
      );
      checkComposeDatabase(mariadb, config, where);
    }
  } else {
    problems.push(`${where}: the config file mounted at RS_CONFIG_FILE does not exist`);
  }
}

function parseDurationS(text) {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(text));
  return match === null ? 0 : Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

function checkDockerfile(text) {
  const where = 'deploy/Dockerfile';
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = Object.fromEntries(
    lines.filter((l) => l.startsWith('ARG ')).map((l) => l.slice(4).split('=')),
  );
  const images = lines
    .filter((l) => l.startsWith('FROM '))
    .map((l) => l.split(/\s+/)[1].replace(/^\$\{(\w+)\}$/, (_, name) => args[name] ?? ''));
  check(images.length >= 2, `${where}: not multi-stage`);
  check(
    images.length > 0 && images.every((image) => /^node:24[\w.-]*-slim$/.test(image)),
    `${where}: every stage must be FROM node:24…-slim, got ${images}`,
  );
  const user = lines
    .filter((l) => l.startsWith('USER '))
    .at(-1)
    ?.split(/\s+/)[1];
  check(
    user !== undefined && user !== 'root' && user !== '0',
    `${where}: the image must run as a non-root USER`,
  );
  const exposed = lines
    .filter((l) => l.startsWith('EXPOSE '))
    .flatMap((l) => l.split(/\s+/).slice(1))
    .map(Number);
  for (const port of defaultPorts) check(exposed.includes(port), `${where}: does not EXPOSE ${port}`);
  check(
    lines.some((l) => l.startsWith('HEALTHCHECK ') && l.includes('CMD')),
    `${where}: no HEALTHCHECK`,
  );
  check(
    lines.some((l) => /^VOLUME\s+(\[?"?)\/data/.test(l)),
    `${where}: no VOLUME /data`,
  );
  check(
    text.includes('pnpm install --frozen-lockfile') && text.includes('pnpm build'),
    `${where}: does not build as CI does`,
  );
  check(
    lines.some((l) => /^(ENTRYPOINT|CMD)\b.*packages\/app\/dist\/main\.js/.test(l)),
    `${where}: does not run packages/app/dist/main.js`,
  );
  for (const copied of ['deploy/healthcheck.mjs'])
    check(existsSync(join(root, copied)), `${where}: ${copied} is missing`);
}

/** `.nvmrc` and `.node-version` name the Node major the image runs. */
function checkNodeVersionFiles(dockerfile) {
  const imageMajor = /ARG NODE_IMAGE=node:(\d+)/.exec(dockerfile)?.[1];
  for (const file of ['.nvmrc', '.node-version']) {
    const path = join(root, file);
    const version = existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
    check(
      version !== undefined && version === imageMajor,
      `${file}: ${version} is not the image's Node ${imageMajor}`,
    );
  }
}

/**
 * Runs deploy/healthcheck.mjs as the container does, against an HTTP server on a port only the
 * config names (in the file, then overridden by the environment): it must pass there, and fail
 * when that port does not answer.
 */
async function checkHealthcheck() {
  const where = 'deploy/healthcheck.mjs';
  const server = createServer((request, response) =>
    response.writeHead(request.url === '/healthz' ? 200 : 404).end(),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const dir = mkdtempSync(join(tmpdir(), 'validate-healthcheck-'));
  const file = join(dir, 'config.yml');
  writeFileSync(file, `server:\n  port: 15000\n  prometheus_port: ${port}\n`);
  const run = (env) =>
    promisify(execFile)(process.execPath, [join(deployDir, 'healthcheck.mjs')], {
      env: { PATH: process.env.PATH, ...env },
    }).then(
      () => 0,
      (error) => error.code ?? 1,
    );
  try {
    check(
      (await run({ RS_CONFIG_FILE: file })) === 0,
      `${where}: fails although the configured port ${port} answers`,
    );
    check(
      (await run({ RS_SERVER_PROMETHEUS_PORT: String(port) })) === 0,
      `${where}: does not read RS_SERVER_PROMETHEUS_PORT`,
    );
    server.close();
    check(
      (await run({ RS_CONFIG_FILE: file })) !== 0,
      `${where}: passes although the configured port does not answer`,
    );
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
