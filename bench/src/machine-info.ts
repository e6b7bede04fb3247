import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { openFileLimit } from './proc-stats.ts';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly node: string;
  readonly kernel: string;
  readonly openFileLimit: number;
  /** Load average over the minute before the run: other work on the machine skews every figure. */
  readonly loadAverageBefore: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    ramGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `Linux ${release()}`,
    openFileLimit: openFileLimit(),
    loadAverageBefore: loadavg()[0] ?? Number.NaN,
  };
}

export function describeMachine(machine: MachineInfo): string {
  return (
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGb} GB RAM, Node ${machine.node}, ` +
    `${machine.kernel}, open-file limit ${machine.openFileLimit}`
  );
}
