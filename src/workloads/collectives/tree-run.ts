import { splitEvenly } from '../workload.js';
import type { DeliveryTarget, FabricFlow } from '../../fabric/index.js';
import { sliceCount, type CreditPost, type MemberDone, type PinnedPost, type PostTagged } from './collective.js';
import { doubleBinaryTree } from './double-binary-tree.js';

/** Default pipelining slice of a tree (NCCL's tree chunks are of this order). */
export const DEFAULT_TREE_CHUNK_BYTES = 128 * 1024;

/** NCCL_STEPS (NCCL's src/include/device.h): buffer slots per connection, each step of a tree one slot. */
export const NCCL_STEPS = 8;

/** A credit's direction in its tag: for a slice sent up, or down. */
const UP = 0;
const DOWN = 1;

/** A tree over member positions: each position's parent (−1: the root) and children. */
export interface TreeShape {
  parent: Int32Array;
  children: number[][];
}

/** A shape's child lists in two Int32Arrays: position i's children are list[start[i] … start[i + 1]). */
interface ChildLists {
  start: Int32Array;
  list: Int32Array;
}

/** Each shape's child lists, built once (a hierarchical all-reduce's rails share one pair of shapes). */
const childListsOf = new WeakMap<TreeShape, ChildLists>();

/**
 * `shape`'s children as ChildLists: at a million GPUs a tree's child lists are 125,000 arrays,
 * and every slice a rank forwards read one (a cache miss to reach it, another to its storage).
 */
function childLists(shape: TreeShape): ChildLists {
  let lists = childListsOf.get(shape);
  if (lists !== undefined) return lists;
  const n = shape.children.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + shape.children[i]!.length;
  const list = new Int32Array(start[n]!);
  for (let i = 0; i < n; i++) list.set(shape.children[i]!, start[i]!);
  lists = { start, list };
  childListsOf.set(shape, lists);
  return lists;
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
 *
 * `slots`: how many slices a connection (a part's edge) may hold sent but not yet consumed
 * by its receiver, NCCL's NCCL_STEPS ring of buffer slots (src/include/device.h): a sender
 * waits for a free slot (head − tail < NCCL_STEPS). A receiver consumes slice i when it
 * forwards it (up to its parent, down to all its children at once, as NCCL's kernel does one
 * step for every peer) or, at a leaf, when it arrives; the root consumes its children's slice
 * when it sends it down. Infinity (the default): no limit, every ready slice is posted at once.
 *
 * `credits`: how a consumed slot reaches its sender. Null: at once (the sender may post in the
 * same instant). Else NCCL's net transport: the receiver writes a clear-to-send into the
 * sender's FIFO over the fabric for every receive it posts (net_ib's ncclIbPostFifo, one per
 * step), and the sender's slot is free when that CTS has arrived.
 */
export class TreeRun implements DeliveryTarget {
  /** Per part: its tree's parents and child lists, and its channel. */
  private readonly partParent: Int32Array[];
  private readonly partChildren: ChildLists[];
  private readonly partChannel: number[];
  private readonly parts: number[][];
  private readonly partOffset: number[] = [];
  /** Per slice of all parts (partOffset[p] + s): its part. */
  private readonly partOfSlice: Int32Array;
  private readonly childrenIn: Uint8Array;
  private readonly started: Uint8Array;
  private readonly pendingSlices: Int32Array;
  /** Per (part, position): next slice to send up; slices its parent consumed of them; slices it holds to send down; next to send down; slices it consumed of its parent's down connection. */
  private readonly upNext: Int32Array;
  private readonly upFreed: Int32Array;
  private readonly downHeld: Int32Array;
  private readonly downNext: Int32Array;
  private readonly downFreed: Int32Array;
  /** With `pin`: per (part, position) the queue pair of its edge up and of its parent's edge down to it (undefined: not resolved yet; null: per message). */
  private readonly upFlows: (FabricFlow | null | undefined)[] = [];
  private readonly downFlows: (FabricFlow | null | undefined)[] = [];
  /** With CTS credits: per (part, position), slices it consumed of its parent's down connection (downFreed counts the CTSs its parent has received). */
  private readonly downConsumed: Int32Array;
  private readonly creditArrivals: DeliveryTarget;

  constructor(
    private readonly members: number[],
    bytes: number,
    channels: number,
    chunkBytes: number | undefined,
    private readonly send: PostTagged,
    private readonly onRankDone: MemberDone,
    channelShapes?: TreeShape[],
    private readonly slots = Infinity,
    private readonly pin?: PinnedPost,
    /** doubleBinaryTreeShapes(members.length), when the caller shares them between runs of one size (a hierarchical all-reduce's rails). */
    sharedShapes?: [TreeShape, TreeShape],
    /** How consumed slots travel back (see above); only with a slot limit. */
    private readonly credits: CreditPost | null = null,
  ) {
    if (slots === Infinity) this.credits = null;
    const n = members.length;
    const shapes = channelShapes ?? sharedShapes ?? doubleBinaryTreeShapes(n);
    const partCount = channelShapes ? channels : 2 * channels;
    const partShape = Array.from({ length: partCount }, (_, p) => shapes[channelShapes ? p : p % 2]!);
    this.partParent = partShape.map((shape) => shape.parent);
    this.partChildren = partShape.map(childLists);
    this.partChannel = Array.from({ length: partCount }, (_, p) => (channelShapes ? p : p >> 1));
    const chunk = chunkBytes ?? DEFAULT_TREE_CHUNK_BYTES;
    this.parts = splitEvenly(bytes, partCount).map((b) => splitEvenly(b, sliceCount(b, chunk)));
    let slices = 0;
    for (const part of this.parts) {
      this.partOffset.push(slices);
      slices += part.length;
    }
    this.partOfSlice = new Int32Array(slices);
    this.parts.forEach((part, p) => this.partOfSlice.fill(p, this.partOffset[p]!, this.partOffset[p]! + part.length));
    this.childrenIn = new Uint8Array(slices * n);
    this.started = new Uint8Array(n);
    this.pendingSlices = new Int32Array(n).fill(slices);
    const edges = partCount * n;
    this.upNext = new Int32Array(edges);
    this.upFreed = new Int32Array(edges);
    this.downHeld = new Int32Array(edges);
    this.downNext = new Int32Array(edges);
    this.downFreed = new Int32Array(edges);
    if (pin) {
      this.upFlows = new Array<FabricFlow | null | undefined>(edges).fill(undefined);
      this.downFlows = new Array<FabricFlow | null | undefined>(edges).fill(undefined);
    }
    this.downConsumed = new Int32Array(this.credits === null ? 0 : edges);
    this.creditArrivals = { delivered: (tag, atPs) => this.creditArrived(tag, atPs) };
  }

  private childCount(p: number, i: number): number {
    const { start } = this.partChildren[p]!;
    return start[i + 1]! - start[i]!;
  }

  private parentOf(p: number, i: number): number {
    return this.partParent[p]![i]!;
  }

  /** Position `i` holds its input: it sends every slice its children have already delivered. */
  startRank(i: number, atPs: number): void {
    const n = this.members.length;
    this.started[i] = 1;
    if (n === 1) {
      this.onRankDone(this.members[i]!, atPs);
      return;
    }
    for (let p = 0; p < this.parts.length; p++) this.pushUp(p, i, atPs);
  }

  /** Sends up (or, at the root, turns around) every slice of part p that i holds from all its children, in order, while slots allow. */
  private pushUp(p: number, i: number, atPs: number): void {
    if (this.started[i] === 0) return;
    const n = this.members.length;
    const e = p * n + i;
    const { start, list } = this.partChildren[p]!;
    const first = start[i]!;
    const end = start[i + 1]!;
    const parent = this.parentOf(p, i);
    const count = this.parts[p]!.length;
    while (this.upNext[e]! < count) {
      const s = this.upNext[e]!;
      if (this.childrenIn[(this.partOffset[p]! + s) * n + i] !== end - first) return;
      if (parent < 0 ? !this.downSlotsFree(p, i, s) : s >= this.upFreed[e]! + this.slots) return;
      this.upNext[e] = s + 1;
      // Forwarding slice s consumes it from every child's connection.
      const instant = this.credits === null;
      if (instant) for (let k = first; k < end; k++) this.upFreed[p * n + list[k]!]!++;
      if (parent < 0) {
        this.sliceDone(i, atPs);
        this.downHeld[e]!++;
        this.pushDown(p, i, atPs);
      } else {
        this.post(this.upFlows, e, i, parent, this.parts[p]![s]!, this.partChannel[p]!, this.upTag(this.partOffset[p]! + s, parent));
      }
      if (instant) for (let k = first; k < end; k++) this.pushUp(p, list[k]!, atPs);
      else for (let k = first; k < end; k++) this.postCredit(p, i, list[k]!, p * n + list[k]!, UP);
    }
  }

  /** Whether every child of i has a free slot for slice s of part p. */
  private downSlotsFree(p: number, i: number, s: number): boolean {
    const n = this.members.length;
    const { start, list } = this.partChildren[p]!;
    for (let k = start[i]!, end = start[i + 1]!; k < end; k++) if (s >= this.downFreed[p * n + list[k]!]! + this.slots) return false;
    return true;
  }

  /** Sends down to all its children every slice of part p that i holds, in order, while every child has a free slot. */
  private pushDown(p: number, i: number, atPs: number): void {
    const n = this.members.length;
    const e = p * n + i;
    const { start, list } = this.partChildren[p]!;
    const first = start[i]!;
    const end = start[i + 1]!;
    while (this.downNext[e]! < this.downHeld[e]!) {
      const s = this.downNext[e]!;
      if (!this.downSlotsFree(p, i, s)) return;
      this.downNext[e] = s + 1;
      for (let k = first; k < end; k++) {
        const child = list[k]!;
        this.post(this.downFlows, p * n + child, i, child, this.parts[p]![s]!, this.partChannel[p]!, this.downTag(p, child, i));
      }
    }
    // Forwarding consumes the slices from the parent's connection.
    const parent = this.parentOf(p, i);
    if (parent < 0 || end === first) return;
    if (this.credits !== null) {
      for (; this.downConsumed[e]! < this.downNext[e]!; this.downConsumed[e]!++) this.postCredit(p, i, parent, e, DOWN);
    } else if (this.downFreed[e]! < this.downNext[e]!) {
      this.downFreed[e] = this.downNext[e]!;
      this.freedDown(p, parent, atPs);
    }
  }

  /** Position `from` tells `to` that it consumed a slice of edge `e` (UP: e's position sent it up to `from`; DOWN: `to` sent it down to e's position `from`). */
  private postCredit(p: number, from: number, to: number, e: number, direction: number): void {
    this.credits!.postCredit(this.members[from]!, this.members[to]!, this.partChannel[p]!, this.creditArrivals, 2 * e + direction);
  }

  /** A CTS reached its sender: the slot is free, and the sender may go on. */
  private creditArrived(tag: number, atPs: number): void {
    const e = (tag - (tag % 2)) / 2;
    const n = this.members.length;
    const position = e % n;
    const p = (e - position) / n;
    if (tag % 2 === UP) {
      this.upFreed[e]!++;
      this.pushUp(p, position, atPs);
      return;
    }
    this.downFreed[e]!++;
    this.freedDown(p, this.parentOf(p, position), atPs);
  }

  /** Position `from` sends to `to` on the edge `e` of `flows` (its queue pair resolved on the first message, with `pin`). */
  private post(flows: (FabricFlow | null | undefined)[], e: number, from: number, to: number, bytes: number, channel: number, tag: number): void {
    const pin = this.pin;
    if (pin !== undefined) {
      let flow = flows[e];
      if (flow === undefined) flows[e] = flow = pin.pinnedFlow(this.members[from]!, this.members[to]!, channel);
      if (flow !== null) {
        pin.postPinned(flow, this.members[from]!, this.members[to]!, bytes, channel, this, tag);
        return;
      }
    }
    this.send(this.members[from]!, this.members[to]!, bytes, channel, this, tag);
  }

  /**
   * A message's tag (numbers below 2^53): up, slice g (of all parts) for position `to`:
   * 2(g·n + to); down, part p from position `from` to `to`: 2((p·n + to)·n + from) + 1.
   */
  private upTag(g: number, to: number): number {
    return 2 * (g * this.members.length + to);
  }

  private downTag(p: number, to: number, from: number): number {
    const n = this.members.length;
    return 2 * ((p * n + to) * n + from) + 1;
  }

  /** A message arrived (see upTag, downTag). */
  delivered(tag: number, atPs: number): void {
    const n = this.members.length;
    const half = Math.floor(tag / 2);
    if (tag % 2 === 0) {
      // Slice g has arrived at `parent` from one more child.
      this.childrenIn[half]!++;
      const g = Math.floor(half / n);
      this.pushUp(this.partOfSlice[g]!, half - g * n, atPs);
      return;
    }
    const from = half % n;
    const pc = (half - from) / n;
    const child = pc % n;
    const p = (pc - child) / n;
    this.sliceDone(child, atPs);
    const c = p * n + child;
    this.downHeld[c]!++;
    const leaf = this.childCount(p, child) === 0;
    if (this.credits !== null) {
      // A leaf consumes a slice as it arrives.
      if (leaf) this.postCredit(p, child, from, c, DOWN);
      this.pushDown(p, child, atPs);
      return;
    }
    if (leaf) this.downFreed[c]!++;
    this.pushDown(p, child, atPs);
    this.freedDown(p, from, atPs);
  }

  /** A child of i freed a down slot: i (and, at the root, its turn-around) may go on. */
  private freedDown(p: number, i: number, atPs: number): void {
    if (this.slots === Infinity) return;
    this.pushDown(p, i, atPs);
    if (this.parentOf(p, i) < 0) this.pushUp(p, i, atPs);
  }

  private sliceDone(i: number, atPs: number): void {
    if (--this.pendingSlices[i]! === 0) this.onRankDone(this.members[i]!, atPs);
  }
}
