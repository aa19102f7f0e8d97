import { ChakraTraceError } from './decode.js';
import type { CollectiveInstance } from './trace-set.js';
import type { RankGraph } from './graph.js';

/** A node of one rank's trace: its position in that rank's graph. */
export interface RankNode {
  rank: number;
  node: number;
}

/**
 * Refuses traces whose ranks would wait for each other forever (each trace alone has no
 * cycle, but together they may: rank 0 receives from rank 1 before sending to it, and rank
 * 1 the same). One graph over every rank's nodes: a rank's own dependencies; a receive after
 * its matching send (sends are eager: they need nothing from the receiver); and per
 * collective one vertex after every member's dependencies, each member's node after it (a
 * member finishes only once all have issued). Kahn's algorithm orders it unless a cycle
 * exists; the error walks one.
 */
export function checkNoDeadlock(graphs: RankGraph[], instances: CollectiveInstance[], pairs: { send: RankNode; recv: RankNode }[]): void {
  const offset: number[] = [];
  let total = 0;
  for (const g of graphs) {
    offset.push(total);
    total += g.ops.length;
  }
  const vertices = total + instances.length;
  const parents: number[][] = Array.from({ length: vertices }, () => []);
  graphs.forEach((g, r) => g.children.forEach((cs, p) => cs.forEach((c) => parents[offset[r]! + c]!.push(offset[r]! + p))));
  for (const { send, recv } of pairs) parents[offset[recv.rank]! + recv.node]!.push(offset[send.rank]! + send.node);
  instances.forEach((inst, k) => {
    const v = total + k;
    inst.members.forEach((r, m) => {
      const member = offset[r]! + inst.nodes[m]!;
      parents[v]!.push(...parents[member]!.filter((p) => p < total)); // its own rank's dependencies (a receive's send too)
    });
    inst.members.forEach((r, m) => parents[offset[r]! + inst.nodes[m]!]!.push(v));
  });
  const children: number[][] = Array.from({ length: vertices }, () => []);
  const left = new Int32Array(vertices);
  parents.forEach((ps, v) => {
    left[v] = ps.length;
    for (const p of ps) children[p]!.push(v);
  });
  const ready: number[] = [];
  left.forEach((l, v) => l === 0 && ready.push(v));
  let ordered = 0;
  while (ready.length > 0) {
    const v = ready.pop()!;
    ordered++;
    for (const c of children[v]!) if (--left[c]! === 0) ready.push(c);
  }
  if (ordered === vertices) return;
  // Walk back from a stuck vertex through stuck parents until one repeats: that is a cycle.
  let at = left.findIndex((l) => l > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(at)) {
    seenAt.set(at, path.length);
    path.push(at);
    at = parents[at]!.find((p) => left[p]! > 0)!;
  }
  const cycle = [...path.slice(seenAt.get(at)!), at];
  const rankOf = (v: number) => offset.findLastIndex((o) => o <= v);
  const describe = (v: number) => {
    if (v >= total) return `collective ${v - total + 1}`;
    const r = rankOf(v);
    return `rank ${r} node ${graphs[r]!.ids[v - offset[r]!]}`;
  };
  const first = cycle.find((v) => v < total)!;
  const firstRank = rankOf(first);
  throw new ChakraTraceError(
    `the ranks would wait for each other forever: ${cycle.map(describe).join(' → ')} (each waits for the next)`,
    graphs[firstRank]!.ids[first - offset[firstRank]!],
    firstRank,
  );
}
