import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '@faf-replay/core/testing';
import { ShutdownSignals } from './shutdown-signals.js';

describe('ShutdownSignals', () => {
  it('asks for a shutdown at the first signal and only logs the later ones', async () => {
    const source = new EventEmitter();
    const logger = new RecordingLogger();
    const signals = new ShutdownSignals(source, logger);
    source.emit('SIGTERM');
    source.emit('SIGINT');
    source.emit('SIGTERM');
    expect(await signals.requested).toBe('SIGTERM');
    expect(logger.lines.map((line) => [line.level, line.message.split(':')[0]])).toEqual([
      ['info', 'Received SIGTERM'],
      ['warn', 'Received SIGINT during the shutdown'],
      ['warn', 'Received SIGTERM during the shutdown'],
    ]);
    expect(signals.sawUncaughtException).toBe(false);
  });

  it('keeps listening until uninstalled: no signal meets the default action', () => {
    const source = new EventEmitter();
    const signals = new ShutdownSignals(source, new RecordingLogger());
    source.emit('SIGINT');
    source.emit('SIGINT');
    expect(
      source.listenerCount('SIGTERM') + source.listenerCount('SIGINT') + source.listenerCount('SIGUSR2'),
    ).toBe(3);
    signals.uninstall();
    expect(
      source.listenerCount('SIGTERM') + source.listenerCount('SIGINT') + source.listenerCount('SIGUSR2'),
    ).toBe(0);
    expect(source.listenerCount('uncaughtException')).toBe(0);
  });

  it('turns an uncaught exception into a shutdown that must exit non-zero', async () => {
    const source = new EventEmitter();
    const logger = new RecordingLogger();
    const signals = new ShutdownSignals(source, logger);
    source.emit('uncaughtException', new TypeError('bug'));
    expect(await signals.requested).toBe('uncaught exception');
    expect(signals.sawUncaughtException).toBe(true);
    expect(logger.find('Uncaught exception')[0]?.level).toBe('error');
  });

  it('asks for a drain at SIGUSR2 (or POST /drain), once, without asking for a shutdown', async () => {
    const source = new EventEmitter();
    const logger = new RecordingLogger();
    const signals = new ShutdownSignals(source, logger);
    source.emit('SIGUSR2');
    signals.requestDrain('POST /drain');
    await signals.drainRequested;
    expect(logger.find('Drain requested').map((line) => line.message)).toEqual(['Drain requested (SIGUSR2)']);
    const shutdown = await Promise.race([signals.requested, Promise.resolve('none')]);
    expect(shutdown).toBe('none');
  });
});
