import { Buffer } from 'node:buffer';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expect, test } from 'vitest';
import { CanonicalStream } from '../streams/canonical-stream.js';
import { PositionHistory } from '../streams/position-history.js';
import { WriterStream } from '../streams/writer-stream.js';
import { QuorumMerge } from './quorum-merge.js';

// Six writers each stream the 1.5 MB body of a real 43-minute game in 4 KiB chunks, with one
// update tick per chunk round and a delay of 44 ticks (5 minutes of 43, as in production).
// The baseline is the least any merge must do: one native compare of each stream against the
// first. Both consume the same input, so the ratio of their rates is the ratio of throughputs.

const writerCount = 6;
const chunkBytes = 4096;
const delayTicks = 44;
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
  const canonical = new CanonicalStream();
  const merge = new QuorumMerge(canonical, { quorumSize: 2, comparisonDistanceBytes: 4096 });
  const writers = chunked.map(
    (_, index) => new WriterStream(`w${index}`, new PositionHistory(delayTicks, 1)),
  );
  for (const writer of writers) {
    merge.writerAdded(writer);
    merge.writerHeader(writer, header);
  }
  const ticks = chunked[0]?.length ?? 0;
  for (let tick = 0; tick < ticks; tick++) {
    writers.forEach((writer, index) => {
      writer.append(chunked[index]?.[tick] as Uint8Array);
    });
    for (const writer of writers) if (writer.recordPosition()) merge.writerUpdated(writer);
  }
  for (const writer of writers) {
    writer.finish();
    merge.writerRemoved(writer);
  }
  merge.finish();
  if (canonical.length !== bodyBytes) throw new Error(`merged ${canonical.length} of ${bodyBytes} bytes`);
}

function compareSixAgainstFirst(): void {
  const [first, ...others] = bodies as [Uint8Array, ...Uint8Array[]];
  for (const other of others) {
    if (Buffer.compare(first, other) !== 0) throw new Error('the copies differ');
  }
}

const megabytesPerSecond = (operationsPerSecond: number): number => (operationsPerSecond * inputBytes) / 1e6;

test(`quorum merge of ${writerCount} × ${bodyBytes} B vs Buffer.compare of the same input`, async ({
  bench,
  annotate,
}) => {
  const mergeName = `quorum merge: ${writerCount} writers, ${chunkBytes} B chunks, ticks, delay ${delayTicks}`;
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
