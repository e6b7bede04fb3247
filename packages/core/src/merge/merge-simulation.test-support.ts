import { MemoryCanonicalLog } from '../log/memory-replay-log.js';
import type { WriterStreamBytes } from '../testing/offline-merge.js';
import { BlockPool } from './block-pool.js';
import { HorizonMerge } from './horizon-merge.js';
import type { HorizonMergeSettings } from './horizon-merge.js';

/** When and how one writer sends its stream. */
export interface WriterTiming {
  readonly joinMs: number;
  /** Time per body byte after the join; 0 sends everything at once. */
  readonly msPerByte: number;
  /** Sizes of the chunks the body arrives in, used in a cycle. */
  readonly chunkSizes: readonly number[];
  /** Time between its last byte and its leaving. */
  readonly lingerMs: number;
}

export interface SimulatedWriter extends WriterStreamBytes, WriterTiming {}

type Event =
  | { readonly atMs: number; readonly order: number; readonly kind: 'join'; readonly writer: number }
  | {
      readonly atMs: number;
      readonly order: number;
      readonly kind: 'data';
      readonly writer: number;
      readonly from: number;
      readonly to: number;
    }
  | { readonly atMs: number; readonly order: number; readonly kind: 'leave'; readonly writer: number };

export interface SimulationResult {
  readonly header: Uint8Array | undefined;
  readonly body: Uint8Array;
  readonly merge: HorizonMerge;
}

/**
 * Drives a `HorizonMerge` the way a replay does, on simulated time: writers join (their header
 * arrives with the join), send body chunks and leave; the merge decides at every wake-up it asks
 * for and after every leave. `check` runs after every step with the committed stream so far.
 */
export function simulateMerge(
  writers: readonly SimulatedWriter[],
  settings: HorizonMergeSettings,
  tieBreak: (count: number) => number[],
  check: (step: { nowMs: number; canonical: MemoryCanonicalLog; headerLength: number | undefined }) => void,
): SimulationResult {
  const canonical = new MemoryCanonicalLog();
  // Blocks come from a pool that poisons what it gets back: a block the merge gives back while
  // it still reads it, or hands the log after giving it back, corrupts the stream checked.
  const merge = new HorizonMerge(
    settings,
    { canonical, journal: () => undefined },
    new BlockPool({ poison: true }),
  );
  const events = schedule(writers, tieBreak);
  const ids: number[] = [];
  let nowMs = 0;
  const step = (): void => {
    check({ nowMs, canonical, headerLength: merge.headerLength });
  };
  for (const event of events) {
    for (
      let wake = merge.nextWakeMs(nowMs);
      wake !== undefined && wake <= event.atMs;
      wake = merge.nextWakeMs(nowMs)
    ) {
      nowMs = Math.max(nowMs, wake);
      merge.decide(nowMs);
      step();
      if (merge.nextWakeMs(nowMs) === wake) break;
    }
    nowMs = Math.max(nowMs, event.atMs);
    const writer = writers[event.writer] as SimulatedWriter;
    if (event.kind === 'join') {
      ids[event.writer] = merge.addWriter(`writer${event.writer}`, nowMs);
      merge.writerHeader(ids[event.writer] as number, writer.header, nowMs);
    } else if (event.kind === 'data') {
      merge.ingest(ids[event.writer] as number, writer.body.subarray(event.from, event.to), nowMs);
    } else {
      merge.writerLeft(ids[event.writer] as number, nowMs);
      merge.decide(nowMs);
    }
    step();
  }
  for (let wake = merge.nextWakeMs(nowMs); wake !== undefined; wake = merge.nextWakeMs(nowMs)) {
    nowMs = Math.max(nowMs, wake);
    merge.decide(nowMs);
    step();
  }
  merge.decideAll();
  canonical.finish();
  const all = readAll(canonical);
  const headerLength = merge.headerLength;
  return {
    header: headerLength === undefined ? undefined : all.subarray(0, headerLength),
    body: all.subarray(headerLength ?? 0),
    merge,
  };
}

function schedule(writers: readonly SimulatedWriter[], tieBreak: (count: number) => number[]): Event[] {
  const events: Event[] = [];
  writers.forEach((writer, index) => {
    events.push({ atMs: writer.joinMs, order: 0, kind: 'join', writer: index });
    let from = 0;
    let chunk = 0;
    let lastMs = writer.joinMs;
    while (from < writer.body.length) {
      const size = Math.max(1, writer.chunkSizes[chunk % writer.chunkSizes.length] ?? 1);
      const to = Math.min(writer.body.length, from + size);
      lastMs = writer.joinMs + to * writer.msPerByte;
      events.push({ atMs: lastMs, order: 0, kind: 'data', writer: index, from, to });
      from = to;
      chunk++;
    }
    events.push({ atMs: lastMs + writer.lingerMs, order: 0, kind: 'leave', writer: index });
  });
  const orders = tieBreak(events.length);
  const sorted = events
    .map((event, index): Event => ({ ...event, order: orders[index] ?? index }))
    .sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  // Events of different writers at one time interleave as `tieBreak` says; each writer's own
  // events keep their order (they were pushed in it, so their natural index is their rank).
  const slots = new Map<number, number[]>();
  sorted.forEach((event, position) => {
    const list = slots.get(event.writer);
    if (list === undefined) slots.set(event.writer, [position]);
    else list.push(position);
  });
  const result: Event[] = new Array<Event>(sorted.length);
  for (const [writer, positions] of slots) {
    const own = sorted.filter((event) => event.writer === writer).sort((a, b) => rank(a) - rank(b));
    positions.forEach((position, index) => (result[position] = own[index] as Event));
  }
  return result;
}

/** A writer's own order: join, its chunks by offset, leave. */
function rank(event: Event): number {
  if (event.kind === 'join') return -1;
  if (event.kind === 'leave') return Number.POSITIVE_INFINITY;
  return event.from;
}

export function readAll(canonical: MemoryCanonicalLog): Uint8Array {
  const views = canonical.tail(0, canonical.length);
  const out = new Uint8Array(canonical.length);
  let at = 0;
  for (const view of views) {
    out.set(view, at);
    at += view.length;
  }
  return out;
}
