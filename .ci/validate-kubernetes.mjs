// The Kubernetes half of validate-deploy.mjs: deploy/kubernetes as `kubectl apply -k` would build
// it (kustomization resources, the generated ConfigMap, the images setting), checked against what
// the README promises. `context` carries the shared helpers: check(ok, message), loadServerConfig
// (yamlText, where), defaults (the server's default config) and the parsed YAML documents.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Memory figures of the README's full bench: the limit must sit well above the peak. */
const benchPeakRssBytes = 2.0e9;
const minimumLimitOverPeak = 1.25;
const minimumMemoryRequestBytes = 2 ** 30;

export function checkKubernetes(dir, context) {
  const { check, documents } = context;
  const kustomization = documents.get('deploy/kubernetes/kustomization.yaml')?.[0];
  if (kustomization === undefined) return void check(false, 'deploy/kubernetes: no kustomization.yaml');
  const resources = kustomization.resources ?? [];
  for (const file of resources)
    check(existsSync(join(dir, file)), `kustomization.yaml: ${file} does not exist`);
  const manifests = resources.flatMap((file) => documents.get(`deploy/kubernetes/${file}`) ?? []);
  const byKind = (kind) => manifests.filter((manifest) => manifest.kind === kind);
  for (const kind of ['StatefulSet', 'Service', 'PodDisruptionBudget']) {
    check(byKind(kind).length > 0, `deploy/kubernetes: no ${kind}`);
  }
  check(
    byKind('ConfigMap').length === 0,
    'deploy/kubernetes: the ConfigMap must come from configMapGenerator',
  );
  const [statefulSet] = byKind('StatefulSet');
  const generated = checkGeneratedConfig(dir, kustomization, context);
  if (statefulSet === undefined) return;
  const podLabels = statefulSet.spec?.template?.metadata?.labels ?? {};
  checkPod(statefulSet, generated, context);
  checkImage(statefulSet, kustomization, context);
  for (const service of byKind('Service'))
    checkSelector(service.spec?.selector, podLabels, `Service ${service.metadata?.name}`, check);
  for (const budget of byKind('PodDisruptionBudget'))
    checkSelector(budget.spec?.selector?.matchLabels, podLabels, 'PodDisruptionBudget', check);
  checkServices(byKind('Service'), context);
}

/** The ConfigMap generated from a file: it exists, loads as a FAF config, and the pod mounts it. */
function checkGeneratedConfig(dir, kustomization, { check, loadServerConfig }) {
  const generator = (kustomization.configMapGenerator ?? [])[0];
  check(
    generator !== undefined,
    'kustomization.yaml: no configMapGenerator (a config change must roll the pod)',
  );
  const [entry] = generator?.files ?? [];
  if (entry === undefined) return undefined;
  const [key, file] = entry.includes('=') ? entry.split('=') : [entry.split('/').at(-1), entry];
  const path = join(dir, file);
  if (!existsSync(path)) return void check(false, `kustomization.yaml: ${file} does not exist`);
  const config = loadServerConfig(readFileSync(path, 'utf8'), `deploy/kubernetes/${file}`);
  return { name: generator.name, key, config };
}

function checkPod(statefulSet, generated, context) {
  const { check, defaults } = context;
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
  for (const port of context.defaultPorts)
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
  checkConfigMount(pod, container, generated, check);
  checkResources(container.resources, check);
  const graceS = pod.spec?.terminationGracePeriodSeconds ?? 30;
  const shutdownS = generated?.config?.server.shutdown_timeout_s ?? defaults.shutdown_timeout_s;
  const cutGraceS = generated?.config?.server.shutdown_cut_grace_s ?? defaults.shutdown_cut_grace_s;
  check(
    graceS >= shutdownS + cutGraceS + 10,
    `${where}: terminationGracePeriodSeconds ${graceS} < shutdown_timeout_s ${shutdownS} + shutdown_cut_grace_s ${cutGraceS} + 10`,
  );
}

function checkConfigMount(pod, container, generated, check) {
  const where = 'StatefulSet';
  const env = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable]));
  check(
    env.RS_DB_PASSWORD?.valueFrom?.secretKeyRef !== undefined,
    `${where}: RS_DB_PASSWORD does not come from a Secret`,
  );
  const configFile = env.RS_CONFIG_FILE?.value ?? '';
  const mount = (container.volumeMounts ?? []).find((m) => configFile.startsWith(`${m.mountPath}/`));
  const volume = (pod.spec?.volumes ?? []).find((v) => v.name === mount?.name);
  check(
    generated !== undefined && volume?.configMap?.name === generated.name,
    `${where}: RS_CONFIG_FILE is not in the generated ConfigMap's volume`,
  );
  if (generated !== undefined && mount !== undefined) {
    check(
      configFile === `${mount.mountPath}/${generated.key}`,
      `${where}: RS_CONFIG_FILE ${configFile} is not the generated key ${generated.key}`,
    );
  }
}

function checkResources(resources, check) {
  const where = 'StatefulSet';
  const limit = parseQuantity(resources?.limits?.memory);
  const request = parseQuantity(resources?.requests?.memory);
  check(
    limit !== undefined && limit >= benchPeakRssBytes * minimumLimitOverPeak,
    `${where}: the memory limit ${resources?.limits?.memory} is not comfortably above the bench's 2.0 GB peak`,
  );
  check(
    request !== undefined &&
      request >= minimumMemoryRequestBytes &&
      (limit === undefined || request <= limit),
    `${where}: the memory request ${resources?.requests?.memory} must be at least 1Gi and within the limit`,
  );
  check(resources?.requests?.cpu !== undefined, `${where}: no CPU request`);
}

/** The image comes from the kustomization's `images:` setting: a registry name and a version, never latest. */
function checkImage(statefulSet, kustomization, { check }) {
  const image = String(statefulSet.spec.template.spec?.containers?.[0]?.image ?? '');
  const name = image.split(':')[0];
  const setting = (kustomization.images ?? []).find((entry) => entry.name === name);
  check(setting !== undefined, `kustomization.yaml: no images: entry for the StatefulSet's image ${name}`);
  check(!image.endsWith(':latest'), `StatefulSet: the image ${image} must not be latest`);
  if (setting === undefined) return;
  check(
    typeof setting.newName === 'string' && setting.newName.includes('/'),
    'kustomization.yaml: images: newName must name the registry and repository',
  );
  check(
    setting.newTag !== undefined && String(setting.newTag) !== 'latest',
    'kustomization.yaml: images: newTag must be a version, not latest',
  );
}

/** The public Service carries the replay ports only; the ops port has its own ClusterIP Service. */
function checkServices(services, { check, defaults, defaultPorts }) {
  const portsOf = (service) => (service.spec?.ports ?? []).map((port) => port.port);
  const all = services.flatMap(portsOf);
  for (const port of defaultPorts) check(all.includes(port), `deploy/kubernetes: no Service port ${port}`);
  const opsPort = defaults.prometheus_port;
  for (const service of services.filter((s) => portsOf(s).includes(defaults.port))) {
    check(
      !portsOf(service).includes(opsPort),
      `Service ${service.metadata?.name}: the ops port ${opsPort} is on the public Service`,
    );
  }
  const metrics = services.filter((s) => portsOf(s).includes(opsPort));
  check(metrics.length > 0, `deploy/kubernetes: no Service for the ops port ${opsPort}`);
  for (const service of metrics) {
    check(
      (service.spec?.type ?? 'ClusterIP') === 'ClusterIP' && !portsOf(service).includes(defaults.port),
      `Service ${service.metadata?.name}: the ops port's Service must be internal (ClusterIP) and carry only it`,
    );
  }
}

function checkSelector(selector, podLabels, where, check) {
  const entries = Object.entries(selector ?? {});
  check(
    entries.length > 0 && entries.every(([key, value]) => podLabels[key] === value),
    `${where}: its selector does not match the StatefulSet's pods`,
  );
}

/** A Kubernetes quantity (`3Gi`, `512Mi`, `2G`, `1e9`) in bytes. */
export function parseQuantity(text) {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(String(text ?? ''));
  if (match === null) return undefined;
  const units = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (units[match[2]] ?? 1);
}

/**
 * deploy/kubernetes-rolling: the overlay for rolling updates that cut no game. Its config drains
 * on SIGTERM, its Deployment surges without going unavailable, shares a ReadWriteMany volume, and
 * gives the drain, the shutdown and the cut grace time before SIGKILL.
 */
export function checkRollingOverlay(dir, { check, documents, loadServerConfig }) {
  const where = 'deploy/kubernetes-rolling';
  const kustomization = documents.get(`${where}/kustomization.yaml`)?.[0];
  if (kustomization === undefined) return void check(false, `${where}: no kustomization.yaml`);
  for (const file of kustomization.resources ?? [])
    check(existsSync(join(dir, file)), `${where}: ${file} does not exist`);
  const config = loadServerConfig(readFileSync(join(dir, 'config.yml'), 'utf8'), `${where}/config.yml`);
  const server = config?.server;
  check(
    server !== undefined && server.drain_timeout_s > 0,
    `${where}/config.yml: server.drain_timeout_s must be > 0`,
  );
  const deployment = (documents.get(`${where}/deployment.yaml`) ?? []).find(
    (doc) => doc.kind === 'Deployment',
  );
  if (deployment === undefined) return void check(false, `${where}: no Deployment`);
  const rolling = deployment.spec?.strategy?.rollingUpdate ?? {};
  check(
    rolling.maxSurge === 1 && rolling.maxUnavailable === 0,
    `${where}: the Deployment must surge (maxSurge 1, maxUnavailable 0)`,
  );
  const grace = deployment.spec?.template?.spec?.terminationGracePeriodSeconds ?? 0;
  const needed =
    (server?.drain_timeout_s ?? 0) + (server?.shutdown_timeout_s ?? 0) + (server?.shutdown_cut_grace_s ?? 0);
  check(
    grace > needed,
    `${where}: terminationGracePeriodSeconds ${grace} must exceed drain + shutdown + cut grace (${needed} s)`,
  );
  const claim = (documents.get(`${where}/volume.yaml`) ?? []).find(
    (doc) => doc.kind === 'PersistentVolumeClaim',
  );
  check(
    claim?.spec?.accessModes?.includes('ReadWriteMany') === true,
    `${where}: the shared volume must be ReadWriteMany`,
  );
}
