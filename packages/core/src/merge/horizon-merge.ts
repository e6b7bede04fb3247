/*
 * The horizon merge: turns the streams of N writers of one game into one canonical stream C (the
 * SCFA header, then the body), deciding each byte when it is due to be served rather than when it
 * arrives. Readers are kept `delayMs` behind the writers anyway; the merge uses that window to
 * hear every writer's vote.
 *
 * Writer data is a prefix tree of branches (`Branch`). A writer's bytes are compared with the
 * branch at its position: equal bytes advance it, new bytes at a branch's end extend the branch,
 * different bytes fork a new child branch. What the writers agree on is held once. Each byte of
 * a branch is stamped with the time its first copy arrived.
 *
 * Decided: C holds the header and the body up to L. The undecided tree hangs off L: a root branch
 * R holding L, with its children. At offset L the options are R's own next byte and every child
 * of R forking at L. A byte's HORIZON is its stamp + delay.
 *
 * Deciding, at every wake-up (`decide(now)`), repeated while it makes progress:
 *   - nothing is decided before the earliest option's horizon;
 *   - then the winner is the option carried by the most writers that hold a byte past L, then the
 *     one whose streams reach furthest ("continues longer"), then the higher byte.
 *     A writer that ended at or before L is a prefix, not a vote against; a writer behind L does
 *     not vote;
 *   - the winner's bytes are committed once their own horizon has passed (a winner that arrived
 *     later than a loser waits for its own horizon, and is chosen again then, with the votes of
 *     that moment), up to the next fork on its branch; the losing options are dropped, and
 *     writers past L in them have diverged for good (their later bytes are counted, not kept).
 * The header is decided the same way, by its bytes, at the first header's horizon and before any
 * body byte: the group of writers that sent identical bytes with the most members wins, then the
 * group with the most members in the leading body option, then the earliest. Headers differ
 * byte-wise between honest players (Lua key order), so the body breaks the tie against a hostile
 * header that came first.
 *
 * The game is over once no writer is connected and the first writer joined at least `delayMs` ago
 * (every writer joins within the delay, so all have joined and left). Then the rest is decided at
 * once among the complete streams with the same rule, down to a leaf (`decide` does it, or
 * `decideAll` when the replay ends).
 *
 * Writers that fall behind L are compared with the committed stream, only over its hot window
 * (the last `comparisonDistanceBytes` before L; older bytes are taken on trust, as the Rust
 * server's comparison distance does): a difference there diverges them.
 *
 * Invariants (checked by the property tests after every event):
 *   1. C only grows, and a committed byte never changes. Before `decideAll`, no byte is committed
 *      before its horizon: readers never hold a byte that arrived less than `delayMs` ago.
 *   2. C's body is always a prefix of some writer's body; after `decideAll` it equals one writer's
 *      whole body (a leaf of the tree).
 *   3. If every writer sends each byte within `delayMs` of the first copy of that offset (from any
 *      writer), and the branches that tie on votes have reached their final lengths by the tie's
 *      horizon, C equals the offline merge of the complete streams (`offlineMerge`), whatever the
 *      chunking and interleaving.
 *   4. Memory: the tree holds only undecided bytes (about one delay window, stored once however
 *      many writers agree); diverged writers hold nothing.
 */
import type { CanonicalLog, JournalEntry } from '../ports/replay-log.js';
import type { BlockPool } from './block-pool.js';
import { Branch } from './branch.js';
import { commonPrefixLength, firstMismatch } from './common-prefix.js';
import { MergeUsageError } from './merge-usage-error.js';

export interface HorizonMergeSettings {
  /** How long a byte waits after its first copy arrived before it is decided and served. */
  readonly delayMs: number;
  /** Arrival stamps within this window are merged (a byte's stamp is at most this late). */
  readonly coalesceMs: number;
  /** How far back before L a writer that fell behind is compared with C. */
  readonly comparisonDistanceBytes: number;
}

/** A decision between several options at one offset, for logs. */
export interface Divergence {
  readonly bodyOffset: number;
  readonly winnerVotes: number;
  readonly otherVotes: readonly number[];
}

export interface HorizonMergeOutput {
  readonly canonical: CanonicalLog;
  readonly journal: (entry: JournalEntry) => void;
  /** Body bytes just committed (after the canonical append). */
  readonly bodyCommitted?: (views: readonly Uint8Array[]) => void;
  readonly diverged?: (divergence: Divergence) => void;
}

interface MergeWriter {
  readonly id: number;
  length: number;
  /** The branch holding its last byte; undefined while it is behind L or has sent nothing. */
  branch: Branch | undefined;
  diverged: boolean;
  left: boolean;
}

interface HeaderVote {
  readonly writer: number;
  readonly bytes: Uint8Array;
  readonly atMs: number;
}

interface Option {
  readonly branch: Branch;
  readonly own: boolean;
  /** Its byte at L. */
  readonly byte: number;
  readonly horizonMs: number;
  readonly reach: number;
  votes: number;
}

export class HorizonMerge {
  readonly #settings: HorizonMergeSettings;
  readonly #out: HorizonMergeOutput;
  readonly #writers: MergeWriter[] = [];
  readonly #headers: HeaderVote[] = [];
  #root: Branch;
  #nextBranchId = 1;
  #decidedBody = 0;
  #header: Uint8Array | undefined;
  #firstWriterAtMs: number | undefined;
  #firstHeaderAtMs: number | undefined;

  readonly #pool: BlockPool | undefined;

  /**
   * `pool`: where the tree's blocks come from. Then the views the merge hands to `out` (extends,
   * canonical appends) are valid only during the call, unless the receiver leases their blocks.
   */
  constructor(settings: HorizonMergeSettings, out: HorizonMergeOutput, pool?: BlockPool) {
    if (!(settings.delayMs >= 0) || !(settings.coalesceMs >= 0) || !(settings.comparisonDistanceBytes >= 0)) {
      throw new RangeError(`invalid merge settings: ${JSON.stringify(settings)}`);
    }
    this.#settings = settings;
    this.#out = out;
    this.#pool = pool;
    this.#root = new Branch(0, undefined, 0, pool);
    out.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
  }

  /** The decided header, once decided. */
  get header(): Uint8Array | undefined {
    return this.#header;
  }

  /** The decided header's length, once decided. */
  get headerLength(): number | undefined {
    return this.#header?.length;
  }

  /** L: body bytes decided. */
  get decidedBodyLength(): number {
    return this.#decidedBody;
  }

  /** The longest writer body received so far. */
  get receivedBodyLength(): number {
    return this.#writers.reduce((longest, writer) => Math.max(longest, writer.length), 0);
  }

  /** The first header's arrival, if any header arrived. */
  get firstHeaderAtMs(): number | undefined {
    return this.#firstHeaderAtMs;
  }

  addWriter(name: string, nowMs: number): number {
    const id = this.#writers.length;
    this.#firstWriterAtMs ??= nowMs;
    this.#writers.push({ id, length: 0, branch: undefined, diverged: false, left: false });
    this.#out.journal({ type: 'writer', writer: id, name, atMs: nowMs });
    return id;
  }

  writerHeader(id: number, bytes: Uint8Array, nowMs: number): void {
    this.#writer(id);
    this.#firstHeaderAtMs ??= nowMs;
    if (this.#header === undefined) this.#headers.push({ writer: id, bytes, atMs: nowMs });
    this.#out.journal({ type: 'header', writer: id, bytes, atMs: nowMs });
  }

  /** Body bytes from a writer, in order. The merge copies what it keeps. */
  ingest(id: number, bytes: Uint8Array, nowMs: number): void {
    const writer = this.#writer(id);
    if (writer.left) throw new MergeUsageError(`writer ${id} sent data after it left`);
    if (bytes.length === 0) return;
    let taken = 0;
    if (!writer.diverged && writer.length < this.#decidedBody) taken = this.#compareDecided(writer, bytes);
    if (writer.diverged) {
      writer.length += bytes.length - taken;
      return;
    }
    if (taken < bytes.length) this.#walkTree(writer, bytes.subarray(taken), nowMs);
    const branch = writer.branch ?? this.#root;
    this.#out.journal({ type: 'position', writer: id, branch: branch.id, length: writer.length });
  }

  writerLeft(id: number, nowMs: number): void {
    const writer = this.#writer(id);
    writer.left = true;
    this.#out.journal({ type: 'left', writer: id, atMs: nowMs });
  }

  /** How many writers have not left. */
  get activeWriters(): number {
    return this.#writers.filter((writer) => !writer.left).length;
  }

  /** Commits everything due at `nowMs`, or everything when the game is over. */
  decide(nowMs: number): void {
    this.#decide(nowMs, this.#isOver(nowMs));
  }

  /** No writer connected, and every writer that may come (within the delay of the first) came. */
  #isOver(nowMs: number): boolean {
    const first = this.#firstWriterAtMs;
    return first !== undefined && this.activeWriters === 0 && nowMs >= first + this.#settings.delayMs;
  }

  /** The game is over: decides the rest at once among the complete streams. */
  decideAll(): void {
    this.#decide(Number.POSITIVE_INFINITY, true);
  }

  /**
   * After `decideAll`, once nothing more comes: the tree's blocks go back to the pool. Nothing
   * may ask for the merge's bytes afterwards (its counts stay readable).
   */
  dispose(): void {
    this.#root.dispose();
  }

  /** When `decide` may next commit something; undefined while nothing waits. */
  nextWakeMs(nowMs: number): number | undefined {
    const { delayMs } = this.#settings;
    const first = this.#firstWriterAtMs;
    if (first !== undefined && this.activeWriters === 0 && !this.#allDecided())
      return Math.max(nowMs, first + delayMs);
    if (this.#header === undefined) {
      const first = this.firstHeaderAtMs;
      return first === undefined ? undefined : first + delayMs;
    }
    let next: number | undefined;
    const visit = (branch: Branch): void => {
      const horizon = branch.nextHorizonAfter(nowMs, delayMs);
      if (horizon !== undefined && (next === undefined || horizon < next)) next = horizon;
      for (const child of branch.children) visit(child);
    };
    visit(this.#root);
    return next;
  }

  /** Nothing is left to decide: the header (if any) and every branch are committed. */
  #allDecided(): boolean {
    if (this.#header === undefined) return this.#firstHeaderAtMs === undefined;
    return this.#root.end <= this.#decidedBody && this.#root.children.length === 0;
  }

  /**
   * Rebuilds the merge of a game whose process died, from its journal and its committed stream.
   * Every writer has left; the game is decided at once by the next `decide` after the join window.
   * L is known from the committed stream before the journal is read, so that bytes below it are
   * dropped as they are replayed: the tree holds only what is undecided, never the whole body.
   */
  async restore(entries: AsyncIterable<JournalEntry>, canonical: CanonicalLog): Promise<void> {
    if (canonical.length > 0) this.#header = (await canonical.segment(0))?.bytes;
    this.#decidedBody = Math.max(0, canonical.length - (this.#header?.length ?? 0));
    const branches = new Map<number, Branch>([[0, this.#root]]);
    let decided: { readonly branch: number; readonly bodyLength: number } | undefined;
    for await (const entry of entries) {
      if (entry.type === 'decided') decided = entry;
      else this.#replay(entry, branches);
    }
    this.#prune(branches.get(decided?.branch ?? 0) ?? this.#root);
  }

  #replay(entry: Exclude<JournalEntry, { type: 'decided' }>, branches: Map<number, Branch>): void {
    switch (entry.type) {
      case 'writer':
        this.#firstWriterAtMs ??= entry.atMs;
        this.#writers[entry.writer] = {
          id: entry.writer,
          length: 0,
          branch: undefined,
          diverged: false,
          left: true,
        };
        return;
      case 'header':
        this.#firstHeaderAtMs ??= entry.atMs;
        // Votes only count while the header is undecided.
        if (this.#header === undefined)
          this.#headers.push({ writer: entry.writer, bytes: entry.bytes.slice(), atMs: entry.atMs });
        return;
      case 'fork': {
        const parent = entry.parent === null ? undefined : branches.get(entry.parent);
        if (parent === undefined) return;
        const child = new Branch(entry.branch, parent, entry.at, this.#pool);
        parent.children.push(child);
        branches.set(entry.branch, child);
        this.#nextBranchId = Math.max(this.#nextBranchId, entry.branch + 1);
        return;
      }
      case 'extend':
        this.#replayExtend(branches.get(entry.branch), entry.bytes, entry.atMs);
        return;
      case 'position': {
        const writer = this.#writers[entry.writer];
        if (writer === undefined) return;
        writer.branch = branches.get(entry.branch);
        writer.length = entry.length;
        return;
      }
      case 'left':
        return;
    }
  }

  /**
   * Bytes below L are decided on every branch: those on the path to L live in the canonical log,
   * and the others lost. Nothing reads them after a restore (no writer is left to walk the tree),
   * so each extend keeps only its part from L on.
   */
  #replayExtend(branch: Branch | undefined, bytes: Uint8Array, atMs: number): void {
    if (branch === undefined) return;
    branch.extend(bytes, atMs, this.#settings.coalesceMs);
    if (branch.bytes.start < this.#decidedBody) branch.discardBefore(this.#decidedBody);
  }

  /** After a restore: `root` holds L; what forked off the path below L lost. */
  #prune(root: Branch): void {
    const at = this.#decidedBody;
    root.parent = undefined;
    const kept = root.children.filter((child) => child.start >= at);
    root.children.splice(0, root.children.length, ...kept);
    root.discardBefore(at);
    this.#root = root;
    for (const writer of this.#writers) {
      if (writer.branch === undefined) continue;
      if (writer.length <= at) writer.branch = writer.length === at ? root : undefined;
      else if (!root.contains(writer.branch) || this.#underLostChild(writer.branch)) this.#diverge(writer);
    }
  }

  /** Whether `branch` hangs off the root below L (only possible right after a restore). */
  #underLostChild(branch: Branch): boolean {
    for (let current: Branch | undefined = branch; current !== undefined; current = current.parent) {
      if (current.parent === this.#root && current.start < this.#decidedBody) return true;
    }
    return false;
  }

  #writer(id: number): MergeWriter {
    const writer = this.#writers[id];
    if (writer === undefined) throw new MergeUsageError(`writer ${id} was never added`);
    return writer;
  }

  // INGEST

  /** Compares a writer behind L with C's hot window; returns how many bytes it took. */
  #compareDecided(writer: MergeWriter, bytes: Uint8Array): number {
    const count = Math.min(bytes.length, this.#decidedBody - writer.length);
    const headerLength = this.#header?.length ?? 0;
    const hotFrom = Math.max(0, this.#decidedBody - this.#settings.comparisonDistanceBytes);
    const from = Math.max(writer.length, hotFrom);
    const to = writer.length + count;
    if (from < to) {
      const mine = bytes.subarray(from - writer.length, count);
      const decided = this.#out.canonical.tail(headerLength + from, headerLength + to);
      if (commonPrefixLength([mine], decided) < to - from) {
        this.#diverge(writer);
        return 0;
      }
    }
    writer.length = to;
    if (to === this.#decidedBody) writer.branch = this.#root;
    return count;
  }

  #walkTree(writer: MergeWriter, bytes: Uint8Array, nowMs: number): void {
    let branch = writer.branch ?? this.#root;
    let position = writer.length;
    let index = 0;
    while (index < bytes.length) {
      if (position < branch.end) {
        const held = branch.bytes.run(position, Math.min(branch.end, position + bytes.length - index));
        const same = firstMismatch(bytes.subarray(index, index + held.length), held);
        index += same;
        position += same;
        if (same === held.length) continue;
      }
      const byte = bytes[index] as number;
      const child = branch.childAt(position, byte);
      if (child !== undefined) {
        branch = child;
        continue;
      }
      const rest = bytes.subarray(index);
      if (position < branch.end) branch = this.#fork(branch, position);
      branch.extend(rest, nowMs, this.#settings.coalesceMs);
      // The branch's own copy, not `rest` (lent by the socket): the log may lease its blocks rather than copy.
      for (const view of branch.bytes.views(position, position + rest.length)) {
        this.#out.journal({ type: 'extend', branch: branch.id, bytes: view, atMs: nowMs });
      }
      position += rest.length;
      index = bytes.length;
    }
    writer.branch = branch;
    writer.length = position;
  }

  #fork(parent: Branch, at: number): Branch {
    const child = new Branch(this.#nextBranchId++, parent, at, this.#pool);
    parent.children.push(child);
    this.#out.journal({ type: 'fork', branch: child.id, parent: parent.id, at });
    return child;
  }

  #diverge(writer: MergeWriter): void {
    writer.diverged = true;
    writer.branch = undefined;
  }

  // DECIDE

  #decide(nowMs: number, final: boolean): void {
    if (this.#header === undefined && !this.#decideHeader(nowMs, final)) return;
    for (;;) {
      const options = this.#options();
      if (options.length === 0) return;
      if (!final && Math.min(...options.map((option) => option.horizonMs)) > nowMs) return;
      const winner = best(options);
      if (!final && winner.horizonMs > nowMs) return;
      if (options.length > 1) {
        this.#out.diverged?.({
          bodyOffset: this.#decidedBody,
          winnerVotes: winner.votes,
          otherVotes: options.filter((option) => option !== winner).map((option) => option.votes),
        });
      }
      this.#adopt(winner, options);
      this.#commitAlongRoot(nowMs, final);
    }
  }

  /** The options at L, with the votes of the writers holding a byte past L. */
  #options(): Option[] {
    const at = this.#decidedBody;
    const root = this.#root;
    const { delayMs } = this.#settings;
    const options: Option[] = [];
    if (root.end > at) {
      options.push({
        branch: root,
        own: true,
        byte: root.bytes.byteAt(at),
        horizonMs: root.stampAt(at) + delayMs,
        reach: root.reachBeyond(at),
        votes: 0,
      });
    }
    for (const child of root.children) {
      if (child.start !== at || child.end <= at) continue;
      options.push({
        branch: child,
        own: false,
        byte: child.bytes.byteAt(at),
        horizonMs: child.stampAt(at) + delayMs,
        reach: child.reachBeyond(Number.NEGATIVE_INFINITY),
        votes: 0,
      });
    }
    for (const writer of this.#writers) {
      if (writer.diverged || writer.branch === undefined || writer.length <= at) continue;
      const option = this.#optionOf(writer.branch, options);
      if (option !== undefined) option.votes++;
    }
    return options;
  }

  #optionOf(branch: Branch, options: readonly Option[]): Option | undefined {
    let below: Branch | undefined;
    for (let current: Branch | undefined = branch; current !== this.#root; current = current.parent) {
      if (current === undefined) return undefined;
      below = current;
    }
    if (below === undefined || below.start > this.#decidedBody) return options.find((option) => option.own);
    return options.find((option) => option.branch === below);
  }

  /** Makes `winner` the only option at L: the others are dropped, their writers past L diverge. */
  #adopt(winner: Option, options: readonly Option[]): void {
    const at = this.#decidedBody;
    for (const writer of this.#writers) {
      if (writer.diverged || writer.branch === undefined) continue;
      if (writer.length <= at) {
        if (!winner.own) writer.branch = undefined;
      } else if (this.#optionOf(writer.branch, options) !== winner) {
        this.#diverge(writer);
      }
    }
    const root = this.#root;
    if (winner.own) {
      const kept = root.children.filter((child) => child.start !== at);
      for (const child of root.children) if (child.start === at) child.dispose();
      root.children.splice(0, root.children.length, ...kept);
      return;
    }
    winner.branch.parent = undefined;
    this.#root = winner.branch;
    const lost = root.children.filter((child) => child !== winner.branch);
    root.children.length = 0;
    for (const child of lost) child.dispose();
    root.dispose();
  }

  /** Commits the root's bytes from L up to its next fork, as far as they are due (all when `final`). */
  #commitAlongRoot(nowMs: number, final: boolean): void {
    const root = this.#root;
    const from = this.#decidedBody;
    const limit = root.nextForkAfter(from) ?? root.end;
    const to = final ? limit : root.dueEnd(nowMs, this.#settings.delayMs, limit);
    if (to <= from) throw new MergeUsageError(`no progress deciding at ${from}`);
    const views = root.bytes.views(from, to);
    this.#out.canonical.append(views);
    this.#out.bodyCommitted?.(views);
    this.#decidedBody = to;
    root.discardBefore(to);
    this.#out.journal({ type: 'decided', branch: root.id, bodyLength: to });
    for (const writer of this.#writers) {
      if (writer.diverged) continue;
      if (writer.length < to) writer.branch = undefined;
      else if (writer.length === to) writer.branch = root;
    }
  }

  /** Decides the header if it is due; returns whether it is decided. */
  #decideHeader(nowMs: number, final: boolean): boolean {
    const first = this.firstHeaderAtMs;
    if (first === undefined) return false;
    if (!final && first + this.#settings.delayMs > nowMs) return false;
    const groups = groupHeaders(this.#headers);
    const options = this.#options();
    const leader = options.length === 0 ? undefined : best(options);
    const inLeader = (writerId: number): boolean => {
      const writer = this.#writers[writerId];
      if (leader === undefined || writer?.branch === undefined || writer.diverged || writer.length <= 0)
        return false;
      return this.#optionOf(writer.branch, options) === leader;
    };
    let chosen: HeaderGroup | undefined;
    let chosenBacked = -1;
    for (const group of groups) {
      const backed = group.writers.filter(inLeader).length;
      if (
        chosen === undefined ||
        group.writers.length > chosen.writers.length ||
        (group.writers.length === chosen.writers.length && backed > chosenBacked)
      ) {
        chosen = group;
        chosenBacked = backed;
      }
    }
    if (chosen === undefined) return false;
    this.#out.canonical.append([chosen.bytes]);
    this.#header = chosen.bytes;
    this.#headers.length = 0;
    return true;
  }
}

interface HeaderGroup {
  readonly bytes: Uint8Array;
  readonly writers: number[];
  readonly firstAtMs: number;
}

/** Headers grouped by identical bytes, earliest first. */
function groupHeaders(votes: readonly HeaderVote[]): HeaderGroup[] {
  const groups: HeaderGroup[] = [];
  for (const vote of [...votes].sort((a, b) => a.atMs - b.atMs)) {
    const same = groups.find(
      (group) =>
        group.bytes.length === vote.bytes.length &&
        firstMismatch(group.bytes, vote.bytes) === vote.bytes.length,
    );
    if (same === undefined) groups.push({ bytes: vote.bytes, writers: [vote.writer], firstAtMs: vote.atMs });
    else same.writers.push(vote.writer);
  }
  return groups;
}

/**
 * Most votes, then furthest reach, then the higher byte (as the Rust server breaks its ties): an
 * order that does not depend on timing, so that the offline merge can state it too.
 */
function best(options: readonly Option[]): Option {
  let winner = options[0];
  if (winner === undefined) throw new MergeUsageError('no option to choose from');
  for (const option of options) {
    if (isBetter(option, winner)) winner = option;
  }
  return winner;
}

function isBetter(option: Option, than: Option): boolean {
  if (option.votes !== than.votes) return option.votes > than.votes;
  if (option.reach !== than.reach) return option.reach > than.reach;
  return option.byte > than.byte;
}
