import type { Clock, Logger } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import { PrometheusEvents } from '../metrics/prometheus-events.js';
import { bindFafMode } from './bind-faf-mode.js';
import { bindListeners } from './bind-listeners.js';
import { bindServer } from './bind-server.js';
import { bindService } from './bind-service.js';
import { bindStandalone } from './bind-standalone.js';
import { bindStorage } from './bind-storage.js';
import { Composition } from './composition.js';
import { tokens } from './tokens.js';

/**
 * The one composition root: every part of the process, built from the config by small modules.
 * Plain classes, constructed by factory bindings; nothing else sees the container.
 */
export function createContainer(
  config: Config,
  logger: Logger,
  clock: Clock,
  requestDrain?: () => void,
): Composition {
  const composition = new Composition();
  composition.constant(tokens.config, config);
  composition.constant(tokens.logger, logger);
  composition.constant(tokens.clock, clock);
  composition.constant(tokens.events, new PrometheusEvents());
  bindStorage(composition, config);
  if (config.mode === 'faf') bindFafMode(composition, config);
  else bindStandalone(composition, config);
  bindService(composition, config);
  bindListeners(composition, config);
  bindServer(composition, config, requestDrain);
  return composition;
}
