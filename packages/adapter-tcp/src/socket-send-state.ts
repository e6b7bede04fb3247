import type { Socket } from 'node:net';
import type { SendState } from './transport.js';

/** A socket's `SendState`: a destroyed socket sends nothing more, even before its 'close'. */
export function socketSendState(socket: Socket): SendState {
  if (socket.destroyed) return 'closed';
  return socket.writableNeedDrain ? 'full' : 'ready';
}
