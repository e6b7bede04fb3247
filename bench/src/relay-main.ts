import { BaselineRelay } from './baseline-relay.ts';

const graceMs = Number(/^--grace-ms=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 3_000);
const relay = new BaselineRelay(graceMs);
const tcpPort = await relay.listen();
process.stderr.write(`${JSON.stringify({ level: 30, msg: 'baseline relay listening', tcpPort })}\n`);
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
