export { collectIncoming } from './collect-incoming.js';
export type { CollectedIncoming } from './collect-incoming.js';
export { ConnectionInbox } from './connection-inbox.js';
export { requireIpv6Loopback } from './require-ipv6-loopback.js';
export { connectTcp, readToEnd } from './connect-tcp.js';
export type { ReadToEnd } from './connect-tcp.js';
export { openWebSocket, receiveMessages } from './open-web-socket.js';
export type { ReceivedMessages } from './open-web-socket.js';
export { PatternSender, receivePattern } from './pattern-sender.js';
