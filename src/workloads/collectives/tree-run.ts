import { splitEvenly } from '../workload.js';
import { sliceCount, type MemberDone, type PostMessage } from './collective.js';
import { doubleBinaryTree } from './double-binary-tree.js';

/** Default pipelining slice of a tree (NCCL's tree chunks are of this order). */
export const DEFAULT_TREE_CHUNK_BYTES = 128 * 1024;

/**
 * A pipelined double-binary-tree all-reduce over `members`, whose ranks may start at
 * different times (`startRank`), as the hierarchical all-reduce needs across nodes. Each
 * tree carries half the buffer (split across channels) in slices: a rank sends slice i up
 * once it has started and heard slice i from each child; the root turns it around and
 * every rank forwards it to its children. A rank is done when it holds every slice.
 * NCCL runs trees, not rings, across nodes at scale: a ring over M nodes takes 2(M−1)
 * steps, a tree 2·log2(M).
 */
export class TreeRun {
  /** parent[2i + t], children[4i + 2t + k] of position i in tree t (−1: none). */
  private readonly parent: Int32Array;
  private readonly children: Int32Array;
  private readonly parts: number[][];
  private readonly partOffset: number[] = [];
  private readonly childrenIn: Uint8Array;
  private readonly started: Uint8Array;
  private readonly pendingSlices: Int32Array;

  constructor(
    private readonly members: number[],
    bytes: number,
    private readonly channels: number,
    chunkBytes: number | undefined,
    private readonly send: PostMessage,
    private readonly onRankDone: MemberDone,
  ) {
    const n = members.length;
    this.parent = new Int32Array(2 * n);
    this.children = new Int32Array(4 * n).fill(-1);
    for (let i = 0; i < n; i++) {
      doubleBinaryTree(n, i).forEach((links, t) => {
        this.parent[2 * i + t] = links.parent;
        links.children.forEach((c, k) => (this.children[4 * i + 2 * t + k] = c));
      });
    }
    const chunk = chunkBytes ?? DEFAULT_TREE_CHUNK_BYTES;
    this.parts = splitEvenly(bytes, 2 * channels).map((b) => splitEvenly(b, sliceCount(b, chunk)));
    let slices = 0;
    for (const part of this.parts) {
      this.partOffset.push(slices);
      slices += part.length;
    }
    this.childrenIn = new Uint8Array(slices * n);
    this.started = new Uint8Array(n);
    this.pendingSlices = new Int32Array(n).fill(slices);
  }

  private childCount(p: number, i: number): number {
    const base = 4 * i + 2 * (p % 2);
    return (this.children[base]! >= 0 ? 1 : 0) + (this.children[base + 1]! >= 0 ? 1 : 0);
  }

  /** Position `i` holds its input: it sends every slice its children have already delivered. */
  startRank(i: number, atPs: number): void {
    const n = this.members.length;
    this.started[i] = 1;
    if (n === 1) {
      this.onRankDone(this.members[i]!, atPs);
      return;
    }
    this.parts.forEach((slices, p) => {
      const kids = this.childCount(p, i);
      for (let s = 0; s < slices.length; s++) if (this.childrenIn[(this.partOffset[p]! + s) * n + i] === kids) this.up(p, s, i, atPs);
    });
  }

  private up(p: number, s: number, i: number, atPs: number): void {
    const parent = this.parent[2 * i + (p % 2)]!;
    if (parent < 0) {
      this.sliceDone(i, atPs);
      this.down(p, s, i);
      return;
    }
    this.send(this.members[i]!, this.members[parent]!, this.parts[p]![s]!, p >> 1, (at) => {
      const slot = (this.partOffset[p]! + s) * this.members.length + parent;
      if (++this.childrenIn[slot]! === this.childCount(p, parent) && this.started[parent] === 1) this.up(p, s, parent, at);
    });
  }

  private down(p: number, s: number, i: number): void {
    const base = 4 * i + 2 * (p % 2);
    for (let k = 0; k < 2; k++) {
      const child = this.children[base + k]!;
      if (child < 0) continue;
      this.send(this.members[i]!, this.members[child]!, this.parts[p]![s]!, p >> 1, (at) => {
        this.sliceDone(child, at);
        this.down(p, s, child);
      });
    }
  }

  private sliceDone(i: number, atPs: number): void {
    if (--this.pendingSlices[i]! === 0) this.onRankDone(this.members[i]!, atPs);
  }
}
