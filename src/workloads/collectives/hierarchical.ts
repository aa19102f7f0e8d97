import { splitEvenly } from '../workload.js';
import { Collective, type CollectiveParams, type MemberDone } from './collective.js';
import { RingRun, ringTables, type RingState } from './ring.js';
import type { FabricFlow } from '../../fabric/index.js';
import { doubleBinaryTreeShapes, NCCL_STEPS, TreeRun } from './tree-run.js';

/** How ranks of one rail talk across nodes: a ring (2(M−1) steps) or NCCL's double binary tree (2·log2 M). */
export type InterNodeAlgorithm = 'ring' | 'tree';

/**
 * Hierarchical all-reduce over nodes of `gpusPerNode` consecutive ranks: a reduce-scatter
 * ring inside each node (over NVLink where the topology has it), then an all-reduce ring
 * per rail across nodes on each GPU's 1/gpusPerNode shard, then an all-gather ring inside
 * each node. Only 2(M−1)/M · S/gpusPerNode per GPU crosses the scale-out fabric (M nodes).
 * Across nodes the rail runs a ring, or (`interNode: tree`) a pipelined double binary tree,
 * which NCCL uses at scale: 2·log2(M) latency steps instead of 2(M−1), at 2·S/gpusPerNode per GPU.
 * Each rank moves to its next phase as soon as it has finished the previous one.
 */
export class HierarchicalAllReduce extends Collective {
  readonly algBytes: number;
  protected readonly scaleOutBound = 'allreduce' as const;
  readonly busFactor: number;
  private readonly reduceScatter: RingRun[] = [];
  private readonly acrossNodes: (RingRun | TreeRun)[] = [];
  private readonly allGather: RingRun[] = [];

  constructor(
    params: CollectiveParams,
    private readonly gpusPerNode: number,
    interNode: InterNodeAlgorithm = 'ring',
  ) {
    super(params);
    const n = this.ranks;
    const g = gpusPerNode;
    if (n % g !== 0) throw new RangeError(`workload.ranks: hierarchical all-reduce needs whole nodes of ${g} GPUs, got ${n} ranks`);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (n - 1)) / n;
    const nodes = n / g;
    const { bytes, chunkBytes } = params;
    const channels = this.channels;
    const send = this.send.bind(this);
    const sendTagged = this.sendTagged.bind(this);
    // After the node's reduce-scatter, position j holds chunk j+1 (see RingRun.chunkOf).
    const shards = splitEvenly(bytes, g);
    // Every node's rings share their tables and callbacks (125,000 nodes at a million GPUs).
    const nodeTables = ringTables(g, bytes, channels, chunkBytes);
    const startAcross: MemberDone = (r, atPs) => this.startAcross(r, atPs);
    const gathered: MemberDone = (_r, atPs) => this.rankDone(atPs);
    // Their state in three arrays: per node, its reduce-scatter's pending parts, then its
    // all-gather's; one set of queue pairs for both (the same members, channels and tables:
    // the same connections). A ring's own arrays were 4 objects per ring for the collector.
    const parts = nodeTables.chunkBytes.length;
    const pending = new Int32Array(2 * nodes * g).fill(parts);
    const pinned = new Array<FabricFlow | null | undefined>(nodes * parts * g).fill(undefined);
    for (let node = 0; node < nodes; node++) {
      const members = Array.from({ length: g }, (_, j) => node * g + j);
      const pinnedAt = node * parts * g;
      const rs: RingState = { pending, pendingAt: 2 * node * g, pinned, pinnedAt };
      const ag: RingState = { pending, pendingAt: (2 * node + 1) * g, pinned, pinnedAt };
      this.reduceScatter.push(new RingRun('reducescatter', members, bytes, channels, chunkBytes, send, startAcross, undefined, this, nodeTables, rs));
      this.allGather.push(new RingRun('allgather', members, bytes, channels, chunkBytes, send, gathered, undefined, this, nodeTables, ag));
    }
    // Every rail's tree spans the same number of nodes: one pair of tree shapes for all (2·125,000 child lists each at a million GPUs).
    const railShapes = interNode === 'tree' ? doubleBinaryTreeShapes(nodes) : undefined;
    for (let j = 0; j < g; j++) {
      const rail = Array.from({ length: nodes }, (_, node) => node * g + j);
      const shard = shards[(j + 1) % g]!;
      this.acrossNodes.push(
        interNode === 'ring'
          ? new RingRun('allreduce', rail, shard, channels, chunkBytes, send, (r, atPs) => this.startGather(r, atPs), undefined, this)
          : new TreeRun(rail, shard, channels, chunkBytes, sendTagged, (r, atPs) => this.startGather(r, atPs), undefined, params.slots ?? NCCL_STEPS, this, railShapes, params.slotCredits === 'cts' ? this : null),
      );
    }
  }

  protected begin(): void {
    const g = this.gpusPerNode;
    for (let r = 0; r < this.ranks; r++) this.reduceScatter[Math.floor(r / g)]!.startRank(r % g);
  }

  private startAcross(r: number, atPs: number): void {
    const g = this.gpusPerNode;
    this.acrossNodes[r % g]!.startRank(Math.floor(r / g), atPs);
  }

  private startGather(r: number, atPs: number): void {
    const g = this.gpusPerNode;
    this.allGather[Math.floor(r / g)]!.startRank(r % g, atPs);
  }
}
