import { newBreakdown, Part, PART_COUNT, type Breakdown } from './parts.js';

/** One delivered message on some critical path: when it was posted and delivered, where its time went, and what it waited for. */
export interface PathNode {
  /** The message whose delivery callback posted this one (what gated it), or null. */
  readonly parent: PathNode | null;
  readonly postPs: number;
  deliveredPs: number;
  parts: Float64Array | null;
  linkKeys: object[] | null;
  linkPs: number[] | null;
}

/**
 * Records, when a run asks where the time goes, which message's delivery gated each message:
 * the one whose delivery callback was running when it was posted (collectives post a step
 * from the callback of the message that completed the previous one). The fabric writes each
 * message's breakdown into `scratch` just before its delivery callback runs; the node keeps
 * it, so any delivery's chain back to the start is the critical path that led to it.
 * Costs nothing unless a model is built with attribution on.
 */
export class CriticalPath {
  /** The message whose delivery callback is running (null outside one). */
  cause: PathNode | null = null;
  /** The latest message delivered: the end of a plain workload's critical path. */
  last: PathNode | null = null;
  /** What the model measured for the message being delivered (parts, links on its path). */
  readonly scratch = { parts: new Float64Array(PART_COUNT), linkKeys: [] as object[], linkPs: [] as number[] };

  /** Clears the scratch for the next message. */
  resetScratch(): Float64Array {
    this.scratch.parts.fill(0);
    this.scratch.linkKeys.length = 0;
    this.scratch.linkPs.length = 0;
    return this.scratch.parts;
  }

  /** Adds `ps` spent at or on `link` to the scratch. */
  addLink(link: object, ps: number): void {
    if (ps <= 0) return;
    this.scratch.linkKeys.push(link);
    this.scratch.linkPs.push(ps);
  }

  /** A message is posted at `nowPs`: its delivery callback, wrapped to record the node and run as its cause. */
  wrap(nowPs: number, onDelivered: ((atPs: number) => void) | undefined): (atPs: number) => void {
    const node: PathNode = { parent: this.cause, postPs: nowPs, deliveredPs: -1, parts: null, linkKeys: null, linkPs: null };
    return (atPs) => {
      node.deliveredPs = atPs;
      node.parts = this.scratch.parts.slice();
      node.linkKeys = this.scratch.linkKeys.slice();
      node.linkPs = this.scratch.linkPs.slice();
      this.last = node;
      const before = this.cause;
      this.cause = node;
      try {
        onDelivered?.(atPs);
      } finally {
        this.cause = before;
      }
    };
  }

  /** `action`, to run later (a protocol's step latency), with the cause it would have had now. */
  keepCause(action: () => void): () => void {
    const cause = this.cause;
    return () => {
      const before = this.cause;
      this.cause = cause;
      try {
        action();
      } finally {
        this.cause = before;
      }
    };
  }
}

/**
 * Where the time from `startPs` to `endPs` went along the chain ending at `tail`: each
 * message's own breakdown, and the gaps between one message's delivery and the post of the
 * message it gated (and from `startPs` to the first) as step latency. Messages posted before
 * `startPs` belong to something earlier and end the walk. The parts add up to endPs − startPs.
 */
export function attributeChain(tail: PathNode | null, startPs: number, endPs: number, into: Breakdown = newBreakdown()): Breakdown {
  const { parts, links } = into;
  let boundaryPs = endPs;
  for (let node = tail; node !== null && node.postPs >= startPs && node.deliveredPs >= 0; node = node.parent) {
    parts[Part.StepLatency]! += boundaryPs - node.deliveredPs;
    const own = node.parts!;
    for (let i = 0; i < own.length; i++) parts[i]! += own[i]!;
    const keys = node.linkKeys!;
    const ps = node.linkPs!;
    for (let i = 0; i < keys.length; i++) links.set(keys[i]!, (links.get(keys[i]!) ?? 0) + ps[i]!);
    boundaryPs = node.postPs;
  }
  parts[Part.StepLatency]! += boundaryPs - startPs;
  return into;
}
