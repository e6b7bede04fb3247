import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly children?: readonly number[];
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A function and the share of all samples spent in its own code (not its callees). */
export interface SelfTimeEntry {
  readonly function: string;
  /** `file:line` relative to the workspace, or the kind of V8 entry (`(garbage collector)` …). */
  readonly location: string;
  readonly selfMs: number;
  /** Share of the busy time (samples that were not idle). */
  readonly selfShare: number;
  /** The caller that spent the most of this self time (what to look at for built-ins like `concat`). */
  readonly topCaller: string;
}

export interface CpuProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly top: readonly SelfTimeEntry[];
}

const IDLE = '(idle)@';

/** The functions with the most self time, summed over every place they were sampled; idle excluded. */
export function summarizeCpuProfile(profile: CpuProfile, top = 15): CpuProfileSummary {
  const frames = frameKeys(profile);
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfUs = new Map<string, number>();
  const callerUs = new Map<string, Map<string, number>>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const key = frames.get(nodeId)?.key ?? '?';
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    if (key === IDLE) return;
    busyUs += delta;
    const caller = frames.get(parents.get(nodeId) ?? -1)?.label ?? '(root)';
    const callers = callerUs.get(key) ?? new Map<string, number>();
    callers.set(caller, (callers.get(caller) ?? 0) + delta);
    callerUs.set(key, callers);
  });
  const labels = new Map([...frames.values()].map((frame) => [frame.key, frame]));
  const entries = [...selfUs.entries()]
    .filter(([key]) => key !== IDLE)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => ({
      function: labels.get(key)?.name ?? key,
      location: labels.get(key)?.location ?? '',
      selfMs: us / 1000,
      selfShare: busyUs === 0 ? 0 : us / busyUs,
      topCaller:
        [...(callerUs.get(key) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ??
        '',
    }));
  return { busyMs: busyUs / 1000, idleMs: (selfUs.get(IDLE) ?? 0) / 1000, top: entries };
}

interface Frame {
  readonly key: string;
  readonly name: string;
  readonly location: string;
  readonly label: string;
}

function frameKeys(profile: CpuProfile): Map<number, Frame> {
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const label = location === '' ? name : `${name} (${location})`;
    frames.set(node.id, { key: `${functionName}@${location}`, name, location, label });
  }
  return frames;
}

/** The newest `.cpuprofile` in `dir`. */
export function newestCpuProfile(dir: string): string | undefined {
  const profiles = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return profiles[0];
}

export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

function shortUrl(url: string): string {
  const packages = url.indexOf('/packages/');
  if (packages >= 0) return url.slice(packages + 1);
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  return url.replace(/^file:\/\//, '');
}
