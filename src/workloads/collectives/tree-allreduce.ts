import { Collective, type CollectiveParams } from './collective.js';
import { TreeRun } from './tree-run.js';

/**
 * Tree all-reduce on NCCL's double binary tree over every rank, all starting at once: one
 * TreeRun (each tree carries half the buffer, split across channels, in slices). Each rank
 * is interior in one tree and a leaf in the other, so it sends and receives 2S in all:
 * T ≈ 2S/B + 2·depth·(α + slice/B).
 */
export class TreeAllReduce extends Collective {
  readonly algBytes: number;
  protected readonly scaleOutBound = 'allreduce' as const;
  readonly busFactor: number;
  private readonly run: TreeRun;

  constructor(params: CollectiveParams) {
    super(params);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (this.ranks - 1)) / this.ranks;
    const members = Array.from({ length: this.ranks }, (_, r) => r);
    this.run = new TreeRun(members, params.bytes, this.channels, params.chunkBytes, this.send.bind(this), (_r, atPs) => this.rankDone(atPs));
  }

  protected begin(): void {
    for (let r = 0; r < this.ranks; r++) this.run.startRank(r, 0);
  }
}
