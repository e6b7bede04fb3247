/**
 * Resolves once `condition` holds, checking once per event-loop turn; rejects, naming `what`, if
 * it does not within `boundMs`. For effects that finish in the background (a cleanup after a
 * failure already reported).
 */
export async function until(condition: () => Promise<boolean>, what: string, boundMs = 5_000): Promise<void> {
  const deadline = performance.now() + boundMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
