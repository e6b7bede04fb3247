import { readFileSync } from 'node:fs';

const linuxLimitsPath = '/proc/self/limits';

/**
 * The soft limit on open file descriptors of this process (`ulimit -n`), read from
 * `/proc/self/limits` on Linux; undefined where that file does not exist or says "unlimited".
 * The app derives its default `max_connections` from it, leaving room for files, the database
 * and the ops endpoints.
 */
export function openFileLimit(limitsPath: string = linuxLimitsPath): number | undefined {
  let limits: string;
  try {
    limits = readFileSync(limitsPath, 'utf8');
  } catch {
    return undefined;
  }
  const line = limits.split('\n').find((text) => text.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined || !/^\d+$/.test(soft)) return undefined;
  return Number(soft);
}
