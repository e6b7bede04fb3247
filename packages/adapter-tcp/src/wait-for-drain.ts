import type { Socket } from 'node:net';

export type DrainOutcome = 'drained' | 'closed' | 'timeout';

/** Waits until `socket` can take more data, it closes, or `timeoutMs` passes. */
export function waitForDrain(socket: Socket, timeoutMs: number): Promise<DrainOutcome> {
  if (socket.destroyed) return Promise.resolve('closed');
  if (!socket.writableNeedDrain) return Promise.resolve('drained');
  return new Promise((resolve) => {
    const settle = (outcome: DrainOutcome): void => {
      clearTimeout(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const onDrain = (): void => {
      settle('drained');
    };
    const onClose = (): void => {
      settle('closed');
    };
    const timer = setTimeout(settle, timeoutMs, 'timeout');
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}
