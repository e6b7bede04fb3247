/** The composition root's service identifiers: one symbol per thing the container builds. */
export const tokens = Object.freeze({
  config: Symbol('Config'),
  logger: Symbol('Logger'),
  clock: Symbol('Clock'),
  events: Symbol('PrometheusEvents'),
  archive: Symbol('ReplayArchive'),
  spool: Symbol('ReplaySpool'),
  metadata: Symbol('GameMetadataSource'),
  fallbackMetadata: Symbol('FallbackGameMetadataSource'),
  stats: Symbol('GameStatsSink'),
  admission: Symbol('GameAdmission'),
  database: Symbol('FafDatabase'),
  resources: Symbol('ModeResources'),
  service: Symbol('ReplayService'),
  tracker: Symbol('ConnectionTracker'),
  replayServer: Symbol('ReplayServer'),
});
