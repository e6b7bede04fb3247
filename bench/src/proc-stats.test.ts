import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  listenOverflows,
  machineCpuMs,
  openFileLimit,
  parseCpuMs,
  parseListenOverflows,
  parseMachineCpu,
  parseRss,
  parseWriteBytes,
  sampleProcess,
} from './proc-stats.ts';

describe('parsing /proc', () => {
  it('reads utime + stime even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0 1 0 100 1000 50';
    expect(parseCpuMs(stat, 100)).toBe(2000);
  });

  it('reads RSS and peak RSS in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n';
    expect(parseRss(status)).toEqual({ rssBytes: 1024 * 1024, peakRssBytes: 2048 * 1024 });
    expect(() => parseRss('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('reads the bytes written to storage from /proc io', () => {
    const io = 'rchar: 10\nwchar: 20\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
    expect(parseWriteBytes(io)).toBe(8192);
    expect(() => parseWriteBytes('rchar: 1\n')).toThrow(/write_bytes/);
  });

  it('reads the machine CPU, idle and iowait not busy', () => {
    expect(parseMachineCpu('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n', 100)).toEqual({
      busyMs: 1500,
      totalMs: 10_000,
    });
  });

  it('finds ListenOverflows among the TcpExt counters', () => {
    const netstat =
      'TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 1 42 43\nIpExt: InNoRoutes\nIpExt: 0\n';
    expect(parseListenOverflows(netstat)).toBe(42);
    expect(parseListenOverflows('IpExt: A\nIpExt: 1\n')).toBeNaN();
  });
});

describe('this machine', () => {
  it('samples a live process', () => {
    const sample = sampleProcess(process.pid, 5);
    expect(sample.atMs).toBe(5);
    expect(sample.cpuMs).toBeGreaterThan(0);
    expect(sample.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample.peakRssBytes).toBeGreaterThanOrEqual(sample.rssBytes);
    expect(sample.diskWrittenBytes).toBeGreaterThanOrEqual(0);
  });

  it('counts what a process writes to a file and syncs', () => {
    const directory = mkdtempSync(join(tmpdir(), 'proc-stats-'));
    try {
      const before = sampleProcess(process.pid).diskWrittenBytes;
      const file = join(directory, 'written');
      writeFileSync(file, Buffer.alloc(1 << 20, 1));
      const fd = openSync(file, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      expect(sampleProcess(process.pid).diskWrittenBytes - before).toBeGreaterThanOrEqual(1 << 20);
    } finally {
      rmSync(directory, { recursive: true });
    }
  });

  it('reads the open-file limit, the machine CPU and the listen-queue counter', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
    const cpu = machineCpuMs();
    expect(cpu.totalMs).toBeGreaterThan(cpu.busyMs);
    expect(listenOverflows()).toBeGreaterThanOrEqual(0);
  });
});
