/** The memory figures of one server sample (from its `/metrics` and `/proc`). */
export interface MemoryReading {
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly rssBytes: number;
}

/** Memory over a stretch of samples: V8 collects lazily, so the least of each, and the last. */
export interface MemorySpan {
  readonly samples: number;
  readonly heapMinBytes: number;
  readonly heapLastBytes: number;
  readonly externalMinBytes: number;
  readonly externalLastBytes: number;
  /** The least heap + external of any one sample (they are read together). */
  readonly jsMinBytes: number;
  readonly jsLastBytes: number;
  readonly rssMinBytes: number;
  readonly rssLastBytes: number;
}

export function memorySpan(readings: readonly MemoryReading[]): MemorySpan {
  const last = readings.at(-1);
  if (last === undefined) throw new RangeError('a memory span needs at least one sample');
  const least = (read: (reading: MemoryReading) => number): number => Math.min(...readings.map(read));
  return {
    samples: readings.length,
    heapMinBytes: least((r) => r.heapUsedBytes),
    heapLastBytes: last.heapUsedBytes,
    externalMinBytes: least((r) => r.externalBytes),
    externalLastBytes: last.externalBytes,
    jsMinBytes: least((r) => r.heapUsedBytes + r.externalBytes),
    jsLastBytes: last.heapUsedBytes + last.externalBytes,
    rssMinBytes: least((r) => r.rssBytes),
    rssLastBytes: last.rssBytes,
  };
}
