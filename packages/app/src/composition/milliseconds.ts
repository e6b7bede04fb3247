/** Config durations are seconds; the parts take milliseconds. */
export function ms(seconds: number): number {
  return Math.round(seconds * 1_000);
}
