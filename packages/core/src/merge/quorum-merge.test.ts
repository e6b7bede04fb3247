import { describe, expect, it } from 'vitest';
import { CanonicalStream } from '../streams/canonical-stream.js';
import { PositionHistory } from '../streams/position-history.js';
import { WriterStream } from '../streams/writer-stream.js';
import { MergeUsageError } from './merge-usage-error.js';
import { QuorumMerge } from './quorum-merge.js';

/** A history whose delayed length the test sets, as R's unit tests set it on the writer. */
class ScriptedHistory extends PositionHistory {
  position = 0;
  constructor() {
    super(0, 1);
  }
  override push(): void {
    // The position is scripted, not recorded.
  }
  override get delayed(): number {
    return this.position;
  }
}

const text = (value: string): number[] => [...new TextEncoder().encode(value)];
const decode = (chunks: Uint8Array[]): string =>
  new TextDecoder().decode(Uint8Array.from(chunks.flatMap((chunk) => [...chunk])));

function scriptedMerge(comparisonDistanceBytes = 4096, quorumSize = 2) {
  const canonical = new CanonicalStream();
  const merge = new QuorumMerge(canonical, { quorumSize, comparisonDistanceBytes });
  const histories = new Map<WriterStream, ScriptedHistory>();
  let count = 0;
  return {
    canonical,
    merge,
    add(header?: number[]): WriterStream {
      const history = new ScriptedHistory();
      const writer = new WriterStream(`w${++count}`, history);
      histories.set(writer, history);
      merge.writerAdded(writer);
      if (header !== undefined) merge.writerHeader(writer, Uint8Array.from(header));
      return writer;
    },
    /** Appends `data`, sets the delayed length (default: all), and tells the merge unless `silent`. */
    feed(writer: WriterStream, data: number[], delayed?: number, silent = false): void {
      if (data.length > 0) writer.append(Uint8Array.from(data));
      const history = histories.get(writer) as ScriptedHistory;
      history.position = delayed ?? writer.length;
      if (writer.recordPosition() && !silent) merge.writerUpdated(writer);
    },
    end(...writers: WriterStream[]): void {
      for (const writer of writers) {
        writer.finish();
        merge.writerRemoved(writer);
      }
    },
    merged: (): string => decode(canonical.body()),
    visible: (): string => decode(canonical.slices(0, canonical.delayedLength)),
  };
}

describe('QuorumMerge: R quorum_merge_strategy.rs cases (Q=2, D=4096)', () => {
  it('finalizes one empty writer with no header and no data', () => {
    const m = scriptedMerge();
    const writer = m.add();
    m.end(writer);
    m.merge.finish();
    expect(m.canonical.finished).toBe(true);
    expect(m.canonical.header).toBeUndefined();
    expect(m.canonical.length).toBe(0);
  });

  it('picks the header of the second writer when only it has one', () => {
    const m = scriptedMerge();
    const first = m.add();
    const second = m.add([1, 3, 3, 7]);
    m.end(first, second);
    m.merge.finish();
    expect([...(m.canonical.header ?? [])]).toEqual([1, 3, 3, 7]);
  });

  it('gets all the data of one writer with stepwise delayed positions', () => {
    const m = scriptedMerge();
    const writer = m.add([1, 3, 3, 7]);
    m.feed(writer, [1, 2, 3, 4], 0);
    m.feed(writer, [], 4);
    m.feed(writer, [5, 6], 5);
    m.feed(writer, [7, 8], 8);
    expect(m.canonical.delayedLength).toBe(8);
    m.end(writer);
    m.merge.finish();
    expect([...m.canonical.body().flatMap((chunk) => [...chunk])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps the common prefix of two writers, then one continuation', () => {
    const m = scriptedMerge();
    const first = m.add([1, 3, 3, 7]);
    const second = m.add([1, 3, 3, 7]);
    m.feed(first, [1, 2, 3, 4], 4);
    m.feed(second, [1, 2], 2);
    m.feed(first, [5, 6], 6);
    m.feed(second, [3, 20, 21, 22, 23], 7);
    m.feed(first, [7, 8], 8);
    m.end(first, second);
    m.merge.finish();
    // R allows either continuation; this port (like the spec's reference port) takes the longer.
    const merged = m.canonical.body().flatMap((chunk) => [...chunk]);
    expect(merged).toEqual([1, 2, 3, 20, 21, 22, 23]);
  });

  it('follows the writer that later has more data', () => {
    const m = scriptedMerge();
    const first = m.add([1, 3, 3, 7]);
    const second = m.add([1, 3, 3, 7]);
    m.feed(first, [1, 2, 3, 4], 4);
    m.feed(second, [1, 2, 3, 4, 5, 6], 6);
    m.end(first, second);
    m.merge.finish();
    expect(m.canonical.body().flatMap((chunk) => [...chunk])).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('QuorumMerge: P test_mergestrategy.py cases, adapted to R semantics', () => {
  // P feeds its strategy delayed data only and moves the sink to the maximum delayed position of
  // the quorum; R merges all received data and shows readers the minimum. Intermediate
  // expectations follow R; final results are P's.
  for (const distance of [4096, 3, 2]) {
    describe(`comparison distance ${distance}`, () => {
      it('gives a single stream in full', () => {
        const m = scriptedMerge(distance);
        const writer = m.add(text('Header'));
        m.feed(writer, text('Best f'));
        m.feed(writer, text('r'));
        m.feed(writer, text('iends'));
        m.end(writer);
        m.merge.finish();
        expect(decode([m.canonical.header ?? new Uint8Array()])).toBe('Header');
        expect(m.merged()).toBe('Best friends');
      });

      it('keeps the common prefix of "Best friends" and "Best pals"', () => {
        const m = scriptedMerge(distance);
        const first = m.add();
        const second = m.add(text('Header'));
        m.feed(first, text('Best f'));
        m.feed(second, text('Best'));
        m.feed(first, text('r'));
        m.feed(second, text(' pals'));
        m.feed(first, text('iends'));
        m.end(second, first);
        m.merge.finish();
        expect(m.merged().startsWith('Best ')).toBe(true);
        expect(['Best friends', 'Best pals']).toContain(m.merged());
      });

      it('follows "Data and stuff" past "Data"', () => {
        const m = scriptedMerge(distance);
        const first = m.add();
        const second = m.add(text('Header'));
        m.feed(first, text('Data'));
        m.feed(second, text('Data and stuff'));
        m.end(second, first);
        m.merge.finish();
        expect(m.merged()).toBe('Data and stuff');
      });

      it('gives one of two diverged streams', () => {
        const m = scriptedMerge(distance);
        const first = m.add();
        const second = m.add(text('Header'));
        m.feed(first, text('Data and stuff'));
        m.end(first);
        m.feed(second, text('Data and smeg and blahblah'));
        m.end(second);
        m.merge.finish();
        expect(['Data and stuff', 'Data and smeg and blahblah']).toContain(m.merged());
      });

      it('prefers two agreeing streams over an earlier lone one', () => {
        const m = scriptedMerge(distance);
        const [first, second, third] = [m.add(text('Header')), m.add(), m.add()];
        m.feed(first, text('Data and stuff'));
        m.end(first);
        m.feed(second, text('Data and smeg and blahblah'));
        m.feed(third, text('Data and smeg and blahblah'));
        m.end(second, third);
        m.merge.finish();
        expect(m.merged()).toBe('Data and smeg and blahblah');
      });

      it('merges data beyond the delayed positions, showing readers the quorum minimum', () => {
        const m = scriptedMerge(distance);
        const [first, second, third] = [m.add(text('Header')), m.add(), m.add()];
        m.feed(first, text('foo'), 1);
        m.feed(second, text('foo'), 2);
        expect(m.merged()).toBe('foo');
        expect(m.visible()).toBe('f'); // P: "fo" (maximum)
        m.feed(first, [], 3);
        expect(m.visible()).toBe('fo'); // P: "foo"
        m.feed(first, text(' bbbbb'), 9);
        m.feed(second, text(' aaaaa'), 7);
        m.feed(third, text('foo aaaaa'), 3);
        // P: "foo aaa". R: first and second split at byte 4, the third stream breaks the tie
        // for "a"; readers see up to the old merge point until the quorum's delay catches up.
        expect(m.merged()).toBe('foo aaaaa');
        expect(m.visible()).toBe('foo ');
        m.end(first, second, third);
        m.merge.finish();
        expect(m.merged()).toBe('foo aaaaa');
      });

      it('resolves a stalemate at once with a stream outside the quorum', () => {
        const m = scriptedMerge(distance);
        const [first, second, third] = [m.add(text('Header')), m.add(), m.add()];
        m.feed(first, text('foo'), 1);
        m.feed(second, text('foo'), 1);
        expect(m.visible()).toBe('f');
        m.feed(first, text('aaa'), 6, true);
        m.feed(third, text('fooaaa'), 6);
        expect(m.visible()).toBe('f');
        m.feed(second, text('bbb'), 6);
        expect(m.visible()).toBe('fooaaa');
      });
    });
  }

  it('compares only the last D bytes before the merge point (P cutoff smoke test, D=4)', () => {
    const m = scriptedMerge(4);
    const [first, second, third] = [m.add(text('Header')), m.add(), m.add()];
    m.feed(first, text('abcdefg'));
    m.feed(second, text('abcdefg'));
    expect(m.visible()).toBe('abcdefg');
    m.feed(first, text('h'));
    m.feed(second, text('i'));
    m.feed(third, text('aaadefgh'));
    expect(m.visible()).toBe('abcdefgh');
  });

  it('with a long enough D, sees the mismatch before the window and drops that stream', () => {
    const m = scriptedMerge(4096);
    const [first, second, third] = [m.add(text('Header')), m.add(), m.add()];
    m.feed(first, text('abcdefg'));
    m.feed(second, text('abcdefg'));
    m.feed(first, text('h'));
    m.feed(second, text('i'));
    m.feed(third, text('aaadefgh'));
    m.end(first, second, third);
    m.merge.finish();
    expect(m.merged()).toBe('abcdefgi');
  });
});

describe('QuorumMerge choices', () => {
  it('waits for some delayed position before resolving a stalemate (R: started hack)', () => {
    const m = scriptedMerge();
    const writer = m.add(text('Header'));
    m.feed(writer, text('early data'), 0);
    expect(m.canonical.length).toBe(0);
    m.feed(writer, [], 1);
    expect(m.merged()).toBe('early data');
    expect(m.visible()).toBe('e');
  });

  it('breaks a tie in members by the longest member before the byte value', () => {
    const m = scriptedMerge();
    const [first, second] = [m.add(text('Header')), m.add()];
    m.feed(first, text('abxyz'));
    m.feed(second, text('ac'));
    m.end(first, second);
    m.merge.finish();
    expect(m.merged()).toBe('abxyz');
  });

  it('takes the longest members of the winning byte into the quorum', () => {
    const m = scriptedMerge();
    const writers = [m.add(text('Header')), m.add(), m.add()];
    const [short, long, longer] = writers as [WriterStream, WriterStream, WriterStream];
    m.feed(short, text('ab'), 0);
    m.feed(long, text('abcd'), 0);
    m.feed(longer, text('abcde'), 1);
    expect(m.merged()).toBe('abcd');
  });
});

describe('QuorumMerge usage', () => {
  it('rejects unknown writers, double adds and removal before finish', () => {
    const m = scriptedMerge();
    const stranger = new WriterStream('x', new PositionHistory(0, 1));
    expect(() => {
      m.merge.writerUpdated(stranger);
    }).toThrow(MergeUsageError);
    const writer = m.add();
    expect(() => {
      m.merge.writerAdded(writer);
    }).toThrow(MergeUsageError);
    expect(() => {
      m.merge.writerRemoved(writer);
    }).toThrow(MergeUsageError);
  });

  it('rejects a quorum below 1', () => {
    expect(
      () => new QuorumMerge(new CanonicalStream(), { quorumSize: 0, comparisonDistanceBytes: 1 }),
    ).toThrow(RangeError);
  });
});
