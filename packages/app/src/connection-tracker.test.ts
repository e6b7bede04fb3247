import { describe, expect, it } from 'vitest';
import { PipeConnection, RecordingLogger, settle } from '@faf-replay/core/testing';
import { ConnectionTracker } from './connection-tracker.js';

describe('ConnectionTracker', () => {
  it('ends only the connection whose handling failed, and logs why', async () => {
    const failing = (): Promise<void> => Promise.reject(new TypeError('bug'));
    const logger = new RecordingLogger();
    const tracker = new ConnectionTracker(failing, logger);
    const connection = new PipeConnection('c1');
    tracker.accept(connection);
    await settle();
    expect(connection.client.closedBy).toBe('destroyed');
    expect(tracker.openConnections).toBe(0);
    expect(logger.find('Connection c1 failed')[0]?.level).toBe('error');
  });

  it('cuts every open connection at the shutdown deadline', () => {
    const never = (): Promise<void> => new Promise<void>(() => undefined);
    const tracker = new ConnectionTracker(never, new RecordingLogger());
    const connections = [new PipeConnection('a'), new PipeConnection('b')];
    for (const connection of connections) tracker.accept(connection);
    expect(tracker.openConnections).toBe(2);
    tracker.destroyAll();
    expect(connections.map((c) => c.client.closedBy)).toEqual(['destroyed', 'destroyed']);
  });
});
