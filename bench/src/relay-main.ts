import { BaselineRelay } from './baseline-relay.ts';

const relay = new BaselineRelay();
const tcpPort = await relay.listen();
process.stderr.write(`${JSON.stringify({ level: 30, msg: 'baseline relay listening', tcpPort })}\n`);
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
