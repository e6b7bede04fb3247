import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What Linux reports about one process at one moment. */
export interface ProcSample {
  readonly atMs: number;
  /** User + system CPU time since the process started. */
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** Peak RSS so far (VmHWM). */
  readonly peakRssBytes: number;
  /**
   * Bytes the process caused to be written to storage (`write_bytes` in `/proc/<pid>/io`: page
   * cache pages it dirtied, each time it dirtied them), including files deleted before writeback.
   */
  readonly diskWrittenBytes: number;
}

let clockTicksPerSecond: number | undefined;

/** `getconf CLK_TCK`: the unit of the CPU times in `/proc/<pid>/stat` (100 almost everywhere). */
function clockTicks(): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicksPerSecond;
}

/** Reads `/proc/<pid>/stat` and `/proc/<pid>/status`. */
export function sampleProcess(pid: number, nowMs = performance.now()): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return {
    atMs: nowMs,
    cpuMs: parseCpuMs(stat, clockTicks()),
    ...parseRss(status),
    diskWrittenBytes: parseWriteBytes(io),
  };
}

/** `write_bytes` of `/proc/<pid>/io`. */
export function parseWriteBytes(io: string): number {
  const match = /^write_bytes:\s+(\d+)$/m.exec(io);
  if (match === null) throw new Error('no write_bytes in /proc io');
  return Number(match[1]);
}

/** utime + stime (fields 14 and 15) in ms. The command name, field 2, may hold spaces and parentheses. */
export function parseCpuMs(stat: string, ticksPerSecond: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks))
    throw new Error('unreadable /proc stat line');
  return ((userTicks + systemTicks) * 1000) / ticksPerSecond;
}

export function parseRss(status: string): { rssBytes: number; peakRssBytes: number } {
  return { rssBytes: statusKb(status, 'VmRSS') * 1024, peakRssBytes: statusKb(status, 'VmHWM') * 1024 };
}

function statusKb(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match === null) throw new Error(`no ${key} in /proc status`);
  return Number(match[1]);
}

/** The soft limit on open files of a process (`Max open files` in `/proc/<pid>/limits`). */
export function openFileLimit(pid: number | 'self' = 'self'): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (match === null) throw new Error('no "Max open files" in /proc limits');
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** CPU time of the whole machine (all cores), from the first line of `/proc/stat`. */
export function machineCpuMs(): { busyMs: number; totalMs: number } {
  return parseMachineCpu(readFileSync('/proc/stat', 'utf8'), clockTicks());
}

export function parseMachineCpu(stat: string, ticksPerSecond: number): { busyMs: number; totalMs: number } {
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busyMs: ((total - idle) * 1000) / ticksPerSecond, totalMs: (total * 1000) / ticksPerSecond };
}

/**
 * The kernel's count of connections dropped because a listen queue was full (`ListenOverflows`
 * in `/proc/net/netstat`): machine-wide, so only a change during a scenario means something.
 */
export function listenOverflows(): number {
  return parseListenOverflows(readFileSync('/proc/net/netstat', 'utf8'));
}

export function parseListenOverflows(netstat: string): number {
  const lines = netstat.split('\n').filter((line) => line.startsWith('TcpExt:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/);
  const index = names.indexOf('ListenOverflows');
  return index < 0 ? Number.NaN : Number(values[index]);
}
