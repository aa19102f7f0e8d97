import { splitEvenly } from '../workload.js';
import { sliceCount, type MemberDone, type PostMessage } from './collective.js';
import { doubleBinaryTree } from './double-binary-tree.js';

/** Default pipelining slice of a tree (NCCL's tree chunks are of this order). */
export const DEFAULT_TREE_CHUNK_BYTES = 128 * 1024;

/** A tree over member positions: each position's parent (−1: the root) and children. */
export interface TreeShape {
  parent: Int32Array;
  children: number[][];
}

/** NCCL's double binary tree over n positions: its two trees (see double-binary-tree.ts). */
export function doubleBinaryTreeShapes(n: number): [TreeShape, TreeShape] {
  const shapes: [TreeShape, TreeShape] = [
    { parent: new Int32Array(n), children: [] },
    { parent: new Int32Array(n), children: [] },
  ];
  for (let i = 0; i < n; i++) {
    doubleBinaryTree(n, i).forEach((links, t) => {
      shapes[t]!.parent[i] = links.parent;
      shapes[t]!.children.push(links.children);
    });
  }
  return shapes;
}

/**
 * A pipelined tree all-reduce over `members`, whose ranks may start at different times
 * (`startRank`), as the hierarchical all-reduce needs across nodes. By default NCCL's double
 * binary tree: each tree carries half the buffer (split across channels). With `channelShapes`
 * each channel carries its share over its own tree (NCCL's trees on multi-NIC servers, see
 * rails.ts). Data moves in slices: a rank sends slice i up once it has started and heard slice
 * i from each child; the root turns it around and every rank forwards it to its children. A
 * rank is done when it holds every slice. NCCL runs trees, not rings, across nodes at scale:
 * a ring over M nodes takes 2(M−1) steps, a tree 2·log2(M).
 */
export class TreeRun {
  private readonly shapes: TreeShape[];
  /** Per part: its tree (index in shapes) and channel. */
  private readonly partShape: number[];
  private readonly partChannel: number[];
  private readonly parts: number[][];
  private readonly partOffset: number[] = [];
  private readonly childrenIn: Uint8Array;
  private readonly started: Uint8Array;
  private readonly pendingSlices: Int32Array;

  constructor(
    private readonly members: number[],
    bytes: number,
    channels: number,
    chunkBytes: number | undefined,
    private readonly send: PostMessage,
    private readonly onRankDone: MemberDone,
    channelShapes?: TreeShape[],
  ) {
    const n = members.length;
    this.shapes = channelShapes ?? doubleBinaryTreeShapes(n);
    const partCount = channelShapes ? channels : 2 * channels;
    this.partShape = Array.from({ length: partCount }, (_, p) => (channelShapes ? p : p % 2));
    this.partChannel = Array.from({ length: partCount }, (_, p) => (channelShapes ? p : p >> 1));
    const chunk = chunkBytes ?? DEFAULT_TREE_CHUNK_BYTES;
    this.parts = splitEvenly(bytes, partCount).map((b) => splitEvenly(b, sliceCount(b, chunk)));
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
    return this.shapes[this.partShape[p]!]!.children[i]!.length;
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
    const parent = this.shapes[this.partShape[p]!]!.parent[i]!;
    if (parent < 0) {
      this.sliceDone(i, atPs);
      this.down(p, s, i);
      return;
    }
    this.send(this.members[i]!, this.members[parent]!, this.parts[p]![s]!, this.partChannel[p]!, (at) => {
      const slot = (this.partOffset[p]! + s) * this.members.length + parent;
      if (++this.childrenIn[slot]! === this.childCount(p, parent) && this.started[parent] === 1) this.up(p, s, parent, at);
    });
  }

  private down(p: number, s: number, i: number): void {
    for (const child of this.shapes[this.partShape[p]!]!.children[i]!) {
      this.send(this.members[i]!, this.members[child]!, this.parts[p]![s]!, this.partChannel[p]!, (at) => {
        this.sliceDone(child, at);
        this.down(p, s, child);
      });
    }
  }

  private sliceDone(i: number, atPs: number): void {
    if (--this.pendingSlices[i]! === 0) this.onRankDone(this.members[i]!, atPs);
  }
}
