import { Buffer } from 'node:buffer';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expect, test } from 'vitest';
import { MemoryCanonicalLog } from '../log/memory-replay-log.js';
import { HorizonMerge } from './horizon-merge.js';

// Six writers each stream the 1.5 MB body of a real 43-minute game in 4 KiB chunks, one chunk
// round per second of simulated time, with a delay of 44 s (5 minutes of 43, as in production);
// the merge decides at each round, as the replay's decide loop would.
// The baseline is the least any merge must do: one native compare of each stream against the
// first. Both consume the same input, so the ratio of their rates is the ratio of throughputs.

const writerCount = 6;
const chunkBytes = 4096;
const delayMs = 44_000;
const long = fixture(fixtureFacts.long.file);
const header = long.subarray(0, fixtureFacts.long.headerBytes);
// Each writer gets its own copy, as distinct sockets would deliver.
const bodies = Array.from({ length: writerCount }, () => Uint8Array.from(long.subarray(header.length)));
const bodyBytes = bodies[0]?.length ?? 0;
const inputBytes = writerCount * bodyBytes;
const chunked = bodies.map((body) => {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += chunkBytes) {
    chunks.push(body.subarray(offset, offset + chunkBytes));
  }
  return chunks;
});

function mergeSixWriters(): void {
  const canonical = new MemoryCanonicalLog();
  const merge = new HorizonMerge(
    { delayMs, coalesceMs: 1_000, comparisonDistanceBytes: 4096 },
    { canonical, journal: () => undefined },
  );
  const ids = chunked.map((_, index) => merge.addWriter(`w${index}`, 0));
  for (const id of ids) merge.writerHeader(id, header, 0);
  const rounds = chunked[0]?.length ?? 0;
  for (let round = 0; round < rounds; round++) {
    const nowMs = round * 1_000;
    ids.forEach((id, index) => {
      merge.ingest(id, chunked[index]?.[round] as Uint8Array, nowMs);
    });
    merge.decide(nowMs);
  }
  for (const id of ids) merge.writerLeft(id, rounds * 1_000);
  merge.decideAll();
  if (canonical.length !== header.length + bodyBytes) {
    throw new Error(`merged ${canonical.length - header.length} of ${bodyBytes} bytes`);
  }
}

function compareSixAgainstFirst(): void {
  const [first, ...others] = bodies as [Uint8Array, ...Uint8Array[]];
  for (const other of others) {
    if (Buffer.compare(first, other) !== 0) throw new Error('the copies differ');
  }
}

const megabytesPerSecond = (operationsPerSecond: number): number => (operationsPerSecond * inputBytes) / 1e6;

test(`horizon merge of ${writerCount} × ${bodyBytes} B vs Buffer.compare of the same input`, async ({
  bench,
  annotate,
}) => {
  const mergeName = `horizon merge: ${writerCount} writers, ${chunkBytes} B chunks, delay ${delayMs / 1_000} s`;
  const baselineName = `baseline: Buffer.compare of ${writerCount} bodies against the first`;
  const results = await bench.compare(
    bench(mergeName, mergeSixWriters),
    bench(baselineName, compareSixAgainstFirst),
  );
  const merged = megabytesPerSecond(results.get(mergeName).throughput.mean);
  const baseline = megabytesPerSecond(results.get(baselineName).throughput.mean);
  const summary =
    `input ${(inputBytes / 1e6).toFixed(2)} MB per op: merge ${merged.toFixed(0)} MB/s, ` +
    `Buffer.compare ${baseline.toFixed(0)} MB/s, merge/limit = ${(merged / baseline).toFixed(3)}`;
  await annotate(summary);
  expect(merged).toBeGreaterThan(0);
});
