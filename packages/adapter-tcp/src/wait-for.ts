import type { Socket } from 'node:net';

/** Resolves `true` when `promise` settles within `timeoutMs`, `false` otherwise. */
export async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
