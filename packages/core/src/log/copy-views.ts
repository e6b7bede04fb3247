/** The bytes of `views` (`length` in all), in order, in one new array. */
export function copyViews(views: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const view of views) {
    out.set(view, at);
    at += view.length;
  }
  return out;
}
