export { HttpHarness } from './http-harness.js';
export type { HttpHarnessOptions } from './http-harness.js';
export { RealTimeService } from './real-time-service.js';
export { systemClock } from './system-clock.js';
export { tempVaultPath, TempVaultArchive } from './temp-vault-archive.js';
