export { ConnectionLimit } from './connection-limit.js';
export type { ConnectionLimitOptions } from './connection-limit.js';
export { defaultConnectionOptions } from './connection-options.js';
export type { ConnectionOptions } from './connection-options.js';
export { ListenError } from './listen-error.js';
export { LogThrottle } from './log-throttle.js';
export { openFileLimit } from './open-file-limit.js';
export type { ListenerOptions, ListeningAddress } from './listener-options.js';
export { SocketConnection } from './socket-connection.js';
export { TcpListener } from './tcp-listener.js';
export type { TcpListenerOptions } from './tcp-listener.js';
export { TransportConnection } from './transport-connection.js';
export type { SendState, Transport, TransportEvents } from './transport.js';
export { WebSocketConnection } from './websocket-connection.js';
export {
  WebSocketListener,
  defaultHandshakeTimeoutMs,
  defaultMaxMessageBytes,
} from './websocket-listener.js';
export type { HandshakeRequest, WebSocketListenerOptions } from './websocket-listener.js';
