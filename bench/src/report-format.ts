import type { SavedFilesCheck } from './saved-files.ts';

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(0)}%` : 'n/a';
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(0)} MB` : 'n/a';
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a';
}

export function cores(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)} cores` : 'n/a';
}

/** "readers 16/16 complete, files 8/8 equal": what the checks found. */
export function checkLine(complete: number, readers: number, files: SavedFilesCheck | undefined): string {
  const readerPart = `readers ${complete}/${readers} complete`;
  return files === undefined ? readerPart : `${readerPart}, files ${files.ok}/${files.checked} equal`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}
