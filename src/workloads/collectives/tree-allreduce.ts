import { splitEvenly } from '../workload.js';
import { Collective, sliceCount, type CollectiveParams } from './collective.js';
import { doubleBinaryTree, type TreeLinks } from './double-binary-tree.js';

/** Default pipelining slice of the tree (NCCL's tree chunks are of this order). */
const DEFAULT_TREE_CHUNK_BYTES = 128 * 1024;

/**
 * Tree all-reduce on NCCL's double binary tree, pipelined: each tree carries half the
 * buffer (split across channels), cut into slices. Per slice a rank waits for the slice
 * from each child, reduces and sends it to its parent; the root then sends the result
 * down and every rank forwards it to its children. Each rank is interior in one tree and a
 * leaf in the other, so it sends and receives 2S in all: T ≈ 2S/B + 2·depth·(α + slice/B).
 */
export class TreeAllReduce extends Collective {
  readonly algBytes: number;
  readonly busFactor: number;
  private readonly trees: [TreeLinks, TreeLinks][];
  /** parts[p]: slice sizes of part p (tree = p % 2, channel = ⌊p/2⌋). */
  private readonly parts: number[][];
  private readonly partOffset: number[];
  /** Per (slice, rank): children heard from, during the reduce. */
  private readonly childrenIn: Uint8Array;
  private readonly pendingSlices: Int32Array;

  constructor(params: CollectiveParams) {
    super(params);
    const n = this.ranks;
    this.algBytes = params.bytes;
    this.busFactor = (2 * (n - 1)) / n;
    this.trees = Array.from({ length: n }, (_, r) => doubleBinaryTree(n, r));
    const chunk = params.chunkBytes ?? DEFAULT_TREE_CHUNK_BYTES;
    this.parts = splitEvenly(params.bytes, 2 * params.channels).map((b) => splitEvenly(b, sliceCount(b, chunk)));
    this.partOffset = [];
    let slices = 0;
    for (const part of this.parts) {
      this.partOffset.push(slices);
      slices += part.length;
    }
    this.childrenIn = new Uint8Array(slices * n);
    this.pendingSlices = new Int32Array(n).fill(slices);
  }

  protected begin(): void {
    if (this.ranks === 1) {
      this.rankDone(0);
      return;
    }
    // Leaves start the reduce of every slice.
    this.parts.forEach((slices, p) => {
      for (let r = 0; r < this.ranks; r++)
        if (this.links(p, r).children.length === 0) for (let i = 0; i < slices.length; i++) this.up(p, i, r);
    });
  }

  private links(part: number, r: number): TreeLinks {
    return this.trees[r]![part % 2]!;
  }

  private channel(part: number): number {
    return part >> 1;
  }

  /** Rank r has reduced slice i of part p from its subtree: pass it up, or turn it around at the root. */
  private up(p: number, i: number, r: number): void {
    const { parent } = this.links(p, r);
    if (parent < 0) {
      this.sliceDone(p, r, this.net.sim.nowPs);
      this.down(p, i, r);
      return;
    }
    this.send(r, parent, this.parts[p]![i]!, this.channel(p), () => {
      const slot = (this.partOffset[p]! + i) * this.ranks + parent;
      if (++this.childrenIn[slot]! === this.links(p, parent).children.length) this.up(p, i, parent);
    });
  }

  /** Rank r holds the final slice i of part p: send it to its children. */
  private down(p: number, i: number, r: number): void {
    for (const child of this.links(p, r).children)
      this.send(r, child, this.parts[p]![i]!, this.channel(p), (atPs) => {
        this.sliceDone(p, child, atPs);
        this.down(p, i, child);
      });
  }

  private sliceDone(_p: number, r: number, atPs: number): void {
    if (--this.pendingSlices[r]! === 0) this.rankDone(atPs);
  }
}
