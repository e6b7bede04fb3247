/**
 * Runs `eachTurn` once per event-loop turn (setImmediate, not a timer) until `work` settles, and
 * returns how many turns ran. Work that blocks the event loop lets about one turn through.
 */
export async function eventLoopTurnsDuring(
  work: Promise<unknown>,
  eachTurn: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  const state = { settled: false };
  const settled = work.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  let turns = 0;
  while (!state.settled) {
    turns++;
    await eachTurn();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settled;
  return turns;
}
