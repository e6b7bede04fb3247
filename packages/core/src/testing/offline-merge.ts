import { firstMismatch } from '../merge/common-prefix.js';

/** One writer's complete stream, split at its SCFA header's end. */
export interface WriterStreamBytes {
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

/**
 * The horizon merge's rule, stated offline over complete streams, byte by byte: at each offset the
 * byte carried by the most streams that go past it wins (a stream that ends there is a prefix, not
 * a vote against), then the byte whose streams reach furthest, then the higher byte. The header:
 * the bytes sent by the most writers, then by the most writers of the winning body at offset 0,
 * then the first in `streams` order (order them by header arrival).
 *
 * The live merge gives exactly this when every writer sends each byte within the delay of the
 * first copy of that offset (the property tests check it).
 */
export function offlineMerge(streams: readonly WriterStreamBytes[]): WriterStreamBytes | undefined {
  if (streams.length === 0) return undefined;
  const body = mergeBodies(streams.map((stream) => stream.body));
  return { header: chooseHeader(streams, body.firstWinners), body: body.bytes };
}

function mergeBodies(bodies: readonly Uint8Array[]): { bytes: Uint8Array; firstWinners: Set<number> } {
  let alive = bodies.map((_, index) => index);
  const out: number[] = [];
  let firstWinners = new Set<number>();
  for (let offset = 0; ; offset++) {
    const groups = new Map<number, number[]>();
    for (const index of alive) {
      const body = bodies[index] as Uint8Array;
      if (body.length <= offset) continue;
      const byte = body[offset] as number;
      const group = groups.get(byte);
      if (group === undefined) groups.set(byte, [index]);
      else group.push(index);
    }
    if (groups.size === 0) break;
    let winnerByte = -1;
    let winner: number[] = [];
    let winnerReach = -1;
    for (const [byte, members] of groups) {
      const reach = Math.max(...members.map((index) => (bodies[index] as Uint8Array).length));
      const better =
        members.length !== winner.length
          ? members.length > winner.length
          : reach !== winnerReach
            ? reach > winnerReach
            : byte > winnerByte;
      if (better) [winnerByte, winner, winnerReach] = [byte, members, reach];
    }
    if (offset === 0) firstWinners = new Set(winner);
    out.push(winnerByte);
    alive = winner;
  }
  return { bytes: Uint8Array.from(out), firstWinners };
}

function chooseHeader(streams: readonly WriterStreamBytes[], bodyWinners: Set<number>): Uint8Array {
  const groups: { bytes: Uint8Array; members: number[] }[] = [];
  streams.forEach((stream, index) => {
    const same = groups.find((group) => sameBytes(group.bytes, stream.header));
    if (same === undefined) groups.push({ bytes: stream.header, members: [index] });
    else same.members.push(index);
  });
  let chosen = groups[0] as (typeof groups)[number];
  for (const group of groups) {
    const backed = group.members.filter((index) => bodyWinners.has(index)).length;
    const chosenBacked = chosen.members.filter((index) => bodyWinners.has(index)).length;
    if (
      group.members.length > chosen.members.length ||
      (group.members.length === chosen.members.length && backed > chosenBacked)
    ) {
      chosen = group;
    }
  }
  return chosen.bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && firstMismatch(a, b) === a.length;
}
