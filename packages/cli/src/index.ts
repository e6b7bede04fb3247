export { runCli } from './cli.js';
export type { CliOutput } from './cli.js';
