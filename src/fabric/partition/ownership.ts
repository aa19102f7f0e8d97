import type { Link } from '../link.js';
import type { Port } from '../port.js';
import { DragonflyShape, type Topology } from '../topology/index.js';

/**
 * Which thread simulates which node. Node ids: NIC h is h, switch i is nics + i; one more id,
 * `setupNode`, keys what the workload schedules before the run (every thread runs those).
 * Leaves are split into `parts` contiguous blocks (a fat-tree's pods are contiguous, so with
 * `parts` dividing the pods a pod stays whole; a rail-optimized fabric's in blocks of whole
 * server groups, when it has at least `parts` of them, so every server is on one thread; a
 * dragonfly's routers, all leaves, in blocks of whole groups when it has at least `parts`
 * groups, so only global links are cut; a topology file's in the file's order); a NIC goes with its leaf; a switch higher up
 * (an NVSwitch too) goes with the part most of its links lead to, ties spread round-robin. Only the links
 * between parts are cut; the shortest of them is the lookahead of the conservative windows.
 */
export class Ownership {
  readonly nodes: number;
  readonly setupNode: number;
  /** partOf[node id]: the thread that owns it (setupNode: -1, everyone's). */
  readonly partOf: Int32Array;
  /** Every link in a fixed order (NIC ports, then switch ports): the index a packet sent between threads names. */
  readonly links: Link[] = [];
  /** Node id at the far end of links[i], and at its near end. */
  readonly linkTo: Int32Array;
  readonly linkFrom: Int32Array;
  /** Smallest propagation delay of a link between parts (Infinity: none is cut). */
  readonly lookaheadPs: number;
  readonly cutLinks: number;
  /** Node id of each NIC and switch object. */
  private readonly nodeOf = new Map<object, number>();

  /**
   * `inUse`: the GPUs the workload sends from or to, when not all of them (null: all). Blocks
   * of leaves are then split by the GPUs in use under them, not by their number, so a job on
   * a quarter of the fabric is not left to one thread (the result is the same for any split).
   */
  constructor(
    readonly topology: Topology,
    readonly parts: number,
    inUse: readonly number[] | null = null,
  ) {
    const { nics, switches } = topology;
    this.nodes = nics.length + switches.length + 1;
    this.setupNode = this.nodes - 1;
    const nodeOf = this.nodeOf;
    nics.forEach((nic, h) => nodeOf.set(nic, h));
    switches.forEach((sw, i) => nodeOf.set(sw, nics.length + i));
    const portsOf = (i: number): readonly Port[] => (i < nics.length ? nics[i]!.ports : switches[i - nics.length]!.ports);
    const from: number[] = [];
    for (let n = 0; n < this.nodes - 1; n++)
      for (const port of portsOf(n)) {
        this.links.push(port.link);
        from.push(n);
      }
    this.linkFrom = Int32Array.from(from);
    this.linkTo = Int32Array.from(this.links.map((l) => nodeOf.get(l.to)!));

    this.partOf = new Int32Array(this.nodes).fill(-1);
    const leaves = switches.map((sw, i) => ({ sw, id: nics.length + i })).filter(({ sw }) => sw.tier === 0);
    const leafIndex = new Map(leaves.map(({ id }, j) => [id, j]));
    // Leaves that go together: a rail-optimized fabric numbers its leaves group by group (group × G + rail), a dragonfly its routers group by group.
    const shape = topology.shape;
    const block = shape instanceof DragonflyShape ? shape.routersPerGroup : (topology.nvlink?.gpusPerNode ?? 1);
    const size = block > 1 && Number.isInteger(leaves.length / block) && leaves.length / block >= parts ? block : 1;
    const blocks = leaves.length / size;
    const blockOf = (j: number) => Math.floor(j / size);
    const blockOfGpu = (h: number) => blockOf(leafIndex.get(nodeOf.get(nics[h]!.port.link.to)!)!);
    const partOfBlock = splitBlocks(blocks, parts, inUse === null ? null : blockWeights(inUse, blockOfGpu, blocks));
    leaves.forEach(({ id }, j) => (this.partOf[id] = partOfBlock[blockOf(j)]!));
    // A NIC goes with its leaf, before the tiers above vote (an NVSwitch, the top tier, votes by its GPUs).
    nics.forEach((nic, h) => (this.partOf[h] = this.partOf[nodeOf.get(nic.port.link.to)!]!));
    const tiers = Math.max(0, ...switches.map((sw) => sw.tier));
    for (let tier = 1; tier <= tiers; tier++) {
      let k = 0;
      switches.forEach((sw, i) => {
        if (sw.tier !== tier) return;
        const votes = new Array<number>(parts).fill(0);
        for (const port of sw.ports) {
          const peer = this.partOf[nodeOf.get(port.link.to)!]!;
          if (peer >= 0) votes[peer]!++;
        }
        const best = Math.max(...votes);
        const tied = votes.flatMap((v, p) => (v === best ? [p] : []));
        this.partOf[nics.length + i] = tied[k++ % tied.length]!;
      });
    }
    for (let n = 0; n < this.setupNode; n++) if (this.partOf[n]! < 0) throw new Error(`partition: node ${n} has no owner`);

    let lookaheadPs = Infinity;
    let cut = 0;
    this.links.forEach((link, i) => {
      if (this.partOf[this.linkTo[i]!] === this.partOf[this.linkFrom[i]!]) return;
      cut++;
      lookaheadPs = Math.min(lookaheadPs, link.delayPs);
    });
    this.lookaheadPs = lookaheadPs;
    this.cutLinks = cut;
  }

  /** Nodes owned by each part (NICs and switches): the partition's balance. */
  nodesPerPart(): number[] {
    const counts = new Array<number>(this.parts).fill(0);
    for (let n = 0; n < this.setupNode; n++) counts[this.partOf[n]!]!++;
    return counts;
  }

  /** The node id of a NIC or switch (its ports' `owner`). */
  nodeIdOf(node: object): number {
    const id = this.nodeOf.get(node);
    if (id === undefined) throw new Error('ownership: not a node of this topology');
    return id;
  }
}

/** GPUs in use under each block (`blockOfGpu`: its leaf's block). */
function blockWeights(inUse: readonly number[], blockOfGpu: (h: number) => number, blocks: number): Float64Array {
  const weights = new Float64Array(blocks);
  for (const h of inUse) weights[blockOfGpu(h)]!++;
  return weights;
}

/**
 * Part of each of `blocks` contiguous blocks. Without weights, block j goes to part
 * ⌊j · parts / blocks⌋. With weights, to the part its weight's midpoint falls in, so parts
 * get equal shares of the weight; parts stay contiguous and none is empty when there are at
 * least as many blocks (a part takes the next block once the blocks left are just enough).
 */
export function splitBlocks(blocks: number, parts: number, weights: Float64Array | null): Int32Array {
  const out = new Int32Array(blocks);
  const total = weights === null ? 0 : weights.reduce((a, b) => a + b, 0);
  if (weights === null || total === 0) {
    for (let j = 0; j < blocks; j++) out[j] = Math.floor((j * parts) / blocks);
    return out;
  }
  let before = 0;
  for (let j = 0; j < blocks; j++) {
    const midpoint = Math.min(parts - 1, Math.floor(((before + weights[j]! / 2) * parts) / total));
    before += weights[j]!;
    const previous = j === 0 ? -1 : out[j - 1]!;
    // At most one part further than the block before (none skipped), and far enough that the blocks left fill the parts left.
    out[j] = blocks < parts ? midpoint : Math.min(previous + 1, Math.max(previous, midpoint, parts - blocks + j));
  }
  return out;
}
