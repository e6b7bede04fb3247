/** The open-file limit assumed where the process cannot read its own (outside Linux). */
const assumedOpenFileLimit = 1_024;

/**
 * `server.max_connections`, or, when it is null ("auto"), the process's open-file limit less
 * a reserve: every connection holds one descriptor, and the vault and spool files, the
 * database pool, the ops port's probes and scrapes, and Node itself need theirs even when
 * every connection slot is taken. The reserve is a tenth of the limit, at least 128.
 * Call it with adapter-tcp's `openFileLimit()`.
 */
export function effectiveMaxConnections(
  configured: number | null,
  openFileLimit: number | undefined,
): number {
  if (configured !== null) return configured;
  const limit = openFileLimit ?? assumedOpenFileLimit;
  return Math.max(1, limit - Math.max(128, Math.ceil(limit / 10)));
}
