import { Collective, resolveChannels, type CollectiveParams } from './collective.js';
import { defaultRingChannels, railTree, serversOf } from './rails.js';
import { NCCL_STEPS, TreeRun } from './tree-run.js';

/**
 * Tree all-reduce as NCCL runs it, pipelined in slices. On servers of several GPUs (the
 * fabric's NVLink domain) NCCL's trees (rails.ts): per channel a chain inside each server
 * from rail c's GPU, the chain heads joined by a double binary tree over servers through
 * rail c's NICs; channels default to NCCL's 2 per NIC. Elsewhere the double binary tree over
 * every rank: each rank is interior in one tree and a leaf in the other, so it sends and
 * receives 2S in all: T ≈ 2S/B + 2·depth·(α + slice/B).
 */
export class TreeAllReduce extends Collective {
  protected readonly scaleOutBound = 'allreduce' as const;
  protected override readonly latencyRow = 'tree' as const;
  readonly busFactor: number;
  readonly algBytes: number;
  private resolvedChannels = 1;

  constructor(params: CollectiveParams) {
    super(params);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (this.ranks - 1)) / this.ranks;
  }

  override get channels(): number {
    return this.resolvedChannels;
  }

  protected begin(): void {
    const { gpus, bytes, chunkBytes } = this.params;
    const g = this.net.topology.nvlink?.gpusPerNode ?? 1;
    const servers = g > 1 ? serversOf(gpus, g) : [];
    const rails = servers.length > 1;
    this.resolvedChannels = resolveChannels(this.params, rails ? defaultRingChannels(servers) : 1);
    const channels = this.resolvedChannels;
    const shapes = rails ? Array.from({ length: channels }, (_, c) => railTree(servers, this.ranks, c, channels)) : undefined;
    const members = Array.from({ length: this.ranks }, (_, r) => r);
    const credits = this.params.slotCredits === 'cts' ? this : null;
    const run = new TreeRun(members, bytes, channels, chunkBytes, this.sendTagged.bind(this), (_r, atPs) => this.rankDone(atPs), shapes, this.params.slots ?? NCCL_STEPS, this, undefined, credits);
    for (let r = 0; r < this.ranks; r++) run.startRank(r, 0);
  }
}
