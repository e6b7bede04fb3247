#!/usr/bin/env node
// CI check of the deployment files, since CI has no Docker engine: every YAML file under deploy/
// parses; docker-compose.yml, the Kubernetes manifests and the Dockerfile have the structure the
// README promises; every config they carry loads with the server's own loader (FAF mode) and
// uses its default ports. Run after `pnpm build`: node .ci/validate-deploy.mjs
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const deployDir = join(root, 'deploy');
const { parseAllDocuments } = createRequire(join(root, 'packages/app/package.json'))('yaml');
const appDist = join(root, 'packages/app/dist/index.js');
if (!existsSync(appDist)) fail([`${relative(root, appDist)} is missing: run pnpm build first`]);
const { loadConfig } = await import(appDist);

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};

const defaults = loadConfig([], {}).server;
const defaultPorts = [defaults.port, defaults.websocket_port, defaults.prometheus_port];
const documents = parseYamlFiles(deployDir);

checkComposeFile(documents.get('deploy/docker-compose.yml')?.[0]);
checkKubernetes(
  [...documents].filter(([file]) => file.startsWith('deploy/kubernetes/')).flatMap(([, docs]) => docs),
);
checkDockerfile(readFileSync(join(deployDir, 'Dockerfile'), 'utf8'));

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

/** Loads a server config the way the server does (FAF mode with a password), or reports why not. */
function checkServerConfig(yamlText, where) {
  const dir = mkdtempSync(join(tmpdir(), 'validate-deploy-'));
  try {
    writeFileSync(join(dir, 'config.yml'), yamlText);
    const config = loadConfig([], { RS_CONFIG_FILE: join(dir, 'config.yml'), RS_DB_PASSWORD: 'x' });
    check(config.mode === 'faf', `${where}: the config does not select FAF mode (no database section)`);
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
  if (server !== undefined) checkComposeServer(server, where);
}

function checkComposeServer(server, where) {
  const env = server.environment ?? {};
  check(
    env.RS_CONFIG_FILE !== undefined && env.RS_DB_PASSWORD !== undefined,
    `${where}: the server needs RS_CONFIG_FILE and RS_DB_PASSWORD`,
  );
  const published = (server.ports ?? []).map((port) => Number(String(port).split(':').at(-1)));
  for (const port of defaultPorts)
    check(published.includes(port), `${where}: the server does not publish port ${port}`);
  const configMount = (server.volumes ?? [])
    .map(String)
    .find((volume) => volume.split(':')[1] === env.RS_CONFIG_FILE);
  check(configMount !== undefined, `${where}: nothing is mounted at RS_CONFIG_FILE (${env.RS_CONFIG_FILE})`);
  const configFile = configMount === undefined ? undefined : resolve(deployDir, configMount.split(':')[0]);
  if (configFile !== undefined && existsSync(configFile)) {
    const config = checkServerConfig(readFileSync(configFile, 'utf8'), relative(root, configFile));
    const graceS = parseDurationS(server.stop_grace_period ?? '10s');
    if (config !== undefined) {
      check(
        graceS > config.server.shutdown_timeout_s,
        `${where}: stop_grace_period ${graceS} s is not above shutdown_timeout_s`,
      );
    }
  } else {
    problems.push(`${where}: the config file mounted at RS_CONFIG_FILE does not exist`);
  }
}

function parseDurationS(text) {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(text));
  return match === null ? 0 : Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

function checkKubernetes(manifests) {
  const byKind = (kind) => manifests.filter((manifest) => manifest.kind === kind);
  for (const kind of ['StatefulSet', 'Service', 'PodDisruptionBudget', 'ConfigMap']) {
    check(byKind(kind).length > 0, `deploy/kubernetes: no ${kind}`);
  }
  const [statefulSet] = byKind('StatefulSet');
  const configMap = byKind('ConfigMap')[0];
  const configText = configMap?.data?.['config.yml'];
  check(configText !== undefined, 'deploy/kubernetes: the ConfigMap has no config.yml');
  const config = configText === undefined ? undefined : checkServerConfig(configText, 'ConfigMap config.yml');
  if (statefulSet === undefined) return;
  const podLabels = statefulSet.spec?.template?.metadata?.labels ?? {};
  checkPod(statefulSet, config, configMap);
  for (const service of byKind('Service'))
    checkSelector(service.spec?.selector, podLabels, `Service ${service.metadata?.name}`);
  for (const budget of byKind('PodDisruptionBudget'))
    checkSelector(budget.spec?.selector?.matchLabels, podLabels, 'PodDisruptionBudget');
  const servicePorts = byKind('Service')
    .flatMap((service) => service.spec?.ports ?? [])
    .map((port) => port.port);
  for (const port of defaultPorts)
    check(servicePorts.includes(port), `deploy/kubernetes: no Service port ${port}`);
}

function checkSelector(selector, podLabels, where) {
  const entries = Object.entries(selector ?? {});
  check(
    entries.length > 0 && entries.every(([key, value]) => podLabels[key] === value),
    `${where}: its selector does not match the StatefulSet's pods`,
  );
}

function checkPod(statefulSet, config, configMap) {
  const where = 'StatefulSet';
  const pod = statefulSet.spec.template;
  const container = pod.spec?.containers?.[0] ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  check(
    statefulSet.spec.replicas === 1,
    `${where}: live games are in one process's memory: replicas must be 1`,
  );
  check(annotations['prometheus.io/scrape'] === 'true', `${where}: no prometheus.io/scrape annotation`);
  check(
    annotations['prometheus.io/port'] === String(defaults.prometheus_port),
    `${where}: prometheus.io/port is not ${defaults.prometheus_port}`,
  );
  const ports = Object.fromEntries((container.ports ?? []).map((port) => [port.name, port.containerPort]));
  for (const port of defaultPorts)
    check(Object.values(ports).includes(port), `${where}: no container port ${port}`);
  for (const [probe, path] of [
    ['readinessProbe', '/readyz'],
    ['livenessProbe', '/healthz'],
  ]) {
    const get = container[probe]?.httpGet;
    check(get?.path === path, `${where}: ${probe} does not ask ${path}`);
    check(
      (ports[get?.port] ?? get?.port) === defaults.prometheus_port,
      `${where}: ${probe} is not on the metrics port`,
    );
  }
  const claim = statefulSet.spec.volumeClaimTemplates?.[0]?.metadata?.name;
  const dataMount = (container.volumeMounts ?? []).find((mount) => mount.mountPath === '/data');
  check(claim !== undefined && dataMount?.name === claim, `${where}: /data is not the volume claim`);
  const env = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable]));
  check(
    env.RS_DB_PASSWORD?.valueFrom?.secretKeyRef !== undefined,
    `${where}: RS_DB_PASSWORD does not come from a Secret`,
  );
  const configMount = (container.volumeMounts ?? []).find((mount) =>
    env.RS_CONFIG_FILE?.value?.startsWith(`${mount.mountPath}/`),
  );
  const configVolume = (pod.spec?.volumes ?? []).find((volume) => volume.name === configMount?.name);
  check(
    configVolume?.configMap?.name === configMap?.metadata?.name,
    `${where}: RS_CONFIG_FILE is not in the ConfigMap's volume`,
  );
  check(
    container.resources?.requests !== undefined && container.resources?.limits !== undefined,
    `${where}: no resources`,
  );
  const graceS = pod.spec?.terminationGracePeriodSeconds ?? 30;
  const shutdownS = config?.server.shutdown_timeout_s ?? defaults.shutdown_timeout_s;
  check(
    graceS >= shutdownS + 10,
    `${where}: terminationGracePeriodSeconds ${graceS} < shutdown_timeout_s ${shutdownS} + 10`,
  );
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
