/**
 * The JSON header's `mapname` from `map_version.filename`: directory and last extension removed
 * (`maps/scmp_003.v0003.zip` → `scmp_003.v0003`), as Rust's `Path::file_stem` does; `"None"`
 * when there is no file name.
 */
export function mapNameFromFile(fileName: string | null): string {
  const baseName = lastPathComponent(fileName ?? '');
  if (baseName === undefined) return 'None';
  const lastDot = baseName.lastIndexOf('.');
  return lastDot > 0 ? baseName.slice(0, lastDot) : baseName;
}

function lastPathComponent(path: string): string | undefined {
  const components = path.split('/').filter((part) => part !== '' && part !== '.');
  const last = components.at(-1);
  return last === undefined || last === '..' ? undefined : last;
}
