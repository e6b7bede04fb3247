import { TICKS_PER_SECOND } from '@faf-replay/client';

const counts = new Intl.NumberFormat('en-US');

/** `28917` → `28,917` */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Game time of `ticks`, to the nearest second: `48 min 12 s`, `1 h 5 min 0 s`, `9 s`. */
export function formatGameTime(ticks: number): string {
  return formatDuration(Math.round(ticks / TICKS_PER_SECOND));
}

/** Whole seconds as `48 min 12 s`, `1 h 5 min 0 s`, `9 s`. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${minutes} min ${seconds} s`;
  if (minutes > 0) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}

/** A compact clock for progress lines, to the nearest second like `formatGameTime`: `03:13`, `1:05:00`. */
export function formatClock(ticks: number): string {
  const totalSeconds = Math.round(ticks / TICKS_PER_SECOND);
  const hours = Math.floor(totalSeconds / 3600);
  const mmss = `${pad2(Math.floor((totalSeconds % 3600) / 60))}:${pad2(totalSeconds % 60)}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** A compact size for progress lines: `812 B`, `42.5 KB`, `5.3 MB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function pad2(value: number): string {
  return value.toString().padStart(2, '0');
}
