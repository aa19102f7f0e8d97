import { splitEvenly } from '../workload.js';
import { Collective, sliceCount, type CollectiveParams, type MemberDone, type PostMessage } from './collective.js';

/** Which ring collective: all-reduce is reduce-scatter followed by all-gather. */
export type RingKind = 'allreduce' | 'reducescatter' | 'allgather';

/**
 * A ring collective over the ranks of `params.gpus`, as per-rank state machines. The data
 * is split across channels, each channel's part into slices of at most `chunkBytes` per
 * step (pipelining), each slice into N chunks. At step s rank r sends one chunk to rank
 * r+1, and may send step s+1 once step s from rank r−1 has arrived (it reduces or copies
 * it first). Steps: N−1 for reduce-scatter and all-gather, 2(N−1) for all-reduce.
 *
 * Ranks can start at different times (`startRank`), which is how the hierarchical
 * all-reduce chains rings; `onRankDone` reports a rank that holds its result.
 */
export class RingRun {
  readonly steps: number;
  /** chunkBytes[part][i]: chunk i of part (channel × slice). */
  private readonly chunkBytes: number[][];
  private readonly parts: number;
  private readonly pendingParts: Int32Array;

  constructor(
    private readonly kind: RingKind,
    /** Rank numbers (of the enclosing collective) in ring order. */
    private readonly members: number[],
    /** Per rank: all-reduce S; reduce-scatter/all-gather: the whole gathered buffer. */
    bytes: number,
    private readonly channels: number,
    chunkBytes: number | undefined,
    private readonly send: PostMessage,
    private readonly onRankDone: MemberDone,
  ) {
    const n = members.length;
    this.steps = kind === 'allreduce' ? 2 * (n - 1) : n - 1;
    const perChannel = splitEvenly(bytes, channels);
    const slicesPerChannel = Math.max(...perChannel.map((b) => sliceCount(Math.ceil(b / n), chunkBytes)));
    this.chunkBytes = perChannel.flatMap((b) => splitEvenly(b, slicesPerChannel).map((slice) => splitEvenly(slice, n)));
    this.parts = this.chunkBytes.length;
    this.pendingParts = new Int32Array(n).fill(this.parts);
  }

  /** Rank at ring position `i` starts at `atPs`: posts step 0 of every part (a ring of one is done at once). */
  startRank(i: number, atPs = 0): void {
    if (this.steps === 0) {
      this.onRankDone(this.members[i]!, atPs);
      return;
    }
    for (let part = 0; part < this.parts; part++) this.sendStep(part, i, 0);
  }

  /**
   * Chunk index position i sends at step s. Reduce-scatter: chunk i−s (after N−1 steps
   * position i holds chunk i+1 reduced). The all-gather half of an all-reduce then
   * forwards chunk i+1−s'; a standalone all-gather starts from its own chunk i.
   */
  private chunkOf(i: number, s: number): number {
    const n = this.members.length;
    let chunk: number;
    if (this.kind === 'allgather') chunk = i - s;
    else if (s < n - 1) chunk = i - s;
    else chunk = i + 1 - (s - (n - 1));
    return ((chunk % n) + n) % n;
  }

  private sendStep(part: number, i: number, s: number): void {
    const n = this.members.length;
    const next = (i + 1) % n;
    const bytes = this.chunkBytes[part]![this.chunkOf(i, s)]!;
    this.send(this.members[i]!, this.members[next]!, bytes, part % this.channels, (atPs) => this.received(part, next, s, atPs));
  }

  private received(part: number, i: number, s: number, atPs: number): void {
    if (s + 1 < this.steps) this.sendStep(part, i, s + 1);
    else if (--this.pendingParts[i]! === 0) this.onRankDone(this.members[i]!, atPs);
  }
}

/** nccl-tests' busbw factor of each ring collective. */
const BUS_FACTOR: Record<RingKind, (n: number) => number> = {
  allreduce: (n) => (2 * (n - 1)) / n,
  reducescatter: (n) => (n - 1) / n,
  allgather: (n) => (n - 1) / n,
};

/** Ring all-reduce, reduce-scatter or all-gather over every rank, all starting at once. */
export class RingCollective extends Collective {
  readonly algBytes: number;
  readonly busFactor: number;
  private readonly run: RingRun;

  constructor(kind: RingKind, params: CollectiveParams) {
    super(params);
    this.algBytes = params.bytes;
    this.busFactor = BUS_FACTOR[kind](this.ranks);
    const members = Array.from({ length: this.ranks }, (_, r) => r);
    this.run = new RingRun(kind, members, params.bytes, params.channels, params.chunkBytes, this.send.bind(this), (_r, atPs) =>
      this.rankDone(atPs),
    );
  }

  protected begin(): void {
    for (let i = 0; i < this.ranks; i++) this.run.startRank(i);
  }
}
