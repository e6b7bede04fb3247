/** The longest stretches the event loop was held while `watchStalls` ran. */
export interface StallReport {
  /** Main-thread CPU time between two consecutive ticks: what the process's own code blocked it for. */
  readonly maxCpuMs: number;
  /** Wall-clock time between two ticks: also counts the time the OS did not run the process. */
  readonly maxWallMs: number;
}

/**
 * Ticks every millisecond until the returned function is called, and reports the longest gaps
 * between ticks. A blocked event loop delays the next tick; on a shared machine the wall-clock gap
 * also counts time the process was not scheduled, so the main thread's CPU time between ticks is
 * what measures blocking by our own code.
 */
export function watchStalls(): () => StallReport {
  let lastCpu = process.threadCpuUsage();
  let lastWallMs = performance.now();
  let maxCpuMs = 0;
  let maxWallMs = 0;
  const tick = (): void => {
    const cpu = process.threadCpuUsage();
    const wallMs = performance.now();
    maxCpuMs = Math.max(maxCpuMs, (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000);
    maxWallMs = Math.max(maxWallMs, wallMs - lastWallMs);
    lastCpu = cpu;
    lastWallMs = wallMs;
  };
  const timer = setInterval(tick, 1);
  return () => {
    clearInterval(timer);
    tick();
    return { maxCpuMs, maxWallMs };
  };
}
