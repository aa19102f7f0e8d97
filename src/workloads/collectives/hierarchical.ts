import { splitEvenly } from '../workload.js';
import { Collective, type CollectiveParams } from './collective.js';
import { RingRun } from './ring.js';

/**
 * Hierarchical all-reduce over nodes of `gpusPerNode` consecutive ranks: a reduce-scatter
 * ring inside each node (over NVLink where the topology has it), then an all-reduce ring
 * per rail across nodes on each GPU's 1/gpusPerNode shard, then an all-gather ring inside
 * each node. Only 2(M−1)/M · S/gpusPerNode per GPU crosses the scale-out fabric (M nodes).
 * Each rank moves to its next phase as soon as it has finished the previous one.
 */
export class HierarchicalAllReduce extends Collective {
  readonly algBytes: number;
  readonly busFactor: number;
  private readonly reduceScatter: RingRun[] = [];
  private readonly acrossNodes: RingRun[] = [];
  private readonly allGather: RingRun[] = [];

  constructor(
    params: CollectiveParams,
    private readonly gpusPerNode: number,
  ) {
    super(params);
    const n = this.ranks;
    const g = gpusPerNode;
    if (n % g !== 0) throw new RangeError(`workload.ranks: hierarchical all-reduce needs whole nodes of ${g} GPUs, got ${n} ranks`);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (n - 1)) / n;
    const nodes = n / g;
    const { bytes, channels, chunkBytes } = params;
    const send = this.send.bind(this);
    // After the node's reduce-scatter, position j holds chunk j+1 (see RingRun.chunkOf).
    const shards = splitEvenly(bytes, g);
    for (let node = 0; node < nodes; node++) {
      const members = Array.from({ length: g }, (_, j) => node * g + j);
      this.reduceScatter.push(new RingRun('reducescatter', members, bytes, channels, chunkBytes, send, (r) => this.startAcross(r)));
      this.allGather.push(new RingRun('allgather', members, bytes, channels, chunkBytes, send, (_r, atPs) => this.rankDone(atPs)));
    }
    for (let j = 0; j < g; j++) {
      const rail = Array.from({ length: nodes }, (_, node) => node * g + j);
      const shard = shards[(j + 1) % g]!;
      this.acrossNodes.push(new RingRun('allreduce', rail, shard, channels, chunkBytes, send, (r) => this.startGather(r)));
    }
  }

  protected begin(): void {
    const g = this.gpusPerNode;
    for (let r = 0; r < this.ranks; r++) this.reduceScatter[Math.floor(r / g)]!.startRank(r % g);
  }

  private startAcross(r: number): void {
    const g = this.gpusPerNode;
    this.acrossNodes[r % g]!.startRank(Math.floor(r / g));
  }

  private startGather(r: number): void {
    const g = this.gpusPerNode;
    this.allGather[Math.floor(r / g)]!.startRank(r % g);
  }
}
