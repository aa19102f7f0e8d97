import type { TopologyGraph } from './graph.js';
import type { GraphPorts } from './graph-ports.js';
import { NO_PORTS, portRange, portSet, type PortRange } from './shape.js';

/** portSet ids of one switch fit the 16 bits of a PortRange's first field. */
const MAX_PORT_SETS = 0xfffe;

/**
 * All-shortest-path routing of a graph, computed once: for every switch and every leaf (a
 * switch with hosts), the ports whose neighbour is one hop closer to that leaf, as one
 * PortRange: a range when they are side by side (every Clos written to a file), else a
 * port-set id; each switch's distinct sets are kept once. Memory: 4 B per switch × leaf,
 * plus 2 B per leaf pair for hop counts (a 10,000-node fat-tree: ~1,300 switches × 512 leaves).
 */
export interface GraphRoutes {
  /** Leaf number of each switch, −1 for a switch without hosts. */
  readonly leafIndex: Int32Array;
  readonly leaves: number;
  /** route[s · leaves + leaf]: the equal-cost ports of switch s towards that leaf. */
  readonly route: Int32Array;
  /** Port-set lists per switch (port numbers, ascending), named by the portSet ids in `route`. */
  readonly portSets: (readonly number[])[][];
  /** Switch hops between leaves: leafHops[a · leaves + b]. */
  readonly leafHops: Uint16Array;
}

export function graphRoutes(g: TopologyGraph, p: GraphPorts): GraphRoutes {
  const H = g.hosts.length;
  const S = g.switches.length;
  const leafIndex = new Int32Array(S).fill(-1);
  const leafSwitch: number[] = [];
  for (let s = 0; s < S; s++) if (p.tierOf[s] === 0) leafIndex[s] = leafSwitch.push(s) - 1;
  const L = leafSwitch.length;
  const route = new Int32Array(S * L);
  const leafHops = new Uint16Array(L * L);
  const portSets: (readonly number[])[][] = Array.from({ length: S }, () => []);
  const setIds: Map<string | number, number>[] = Array.from({ length: S }, () => new Map());
  const dist = new Int32Array(S);
  const queue = new Int32Array(S);
  const candidates: number[] = [];
  for (let d = 0; d < L; d++) {
    // BFS over switches from leaf d.
    dist.fill(-1);
    let tail = 0;
    dist[leafSwitch[d]!] = 0;
    queue[tail++] = leafSwitch[d]!;
    for (let head = 0; head < tail; head++) {
      const s = queue[head]!;
      for (let q = p.portStart[s]!; q < p.portStart[s + 1]!; q++) {
        const peer = p.peerNode[q]! - H;
        if (peer >= 0 && dist[peer] === -1) {
          dist[peer] = dist[s]! + 1;
          queue[tail++] = peer;
        }
      }
    }
    for (let a = 0; a < L; a++) leafHops[a * L + d] = dist[leafSwitch[a]!]!;
    for (let s = 0; s < S; s++) {
      const toward = dist[s]! - 1;
      if (toward < 0) {
        route[s * L + d] = NO_PORTS; // the leaf itself (its hosts are routed by slot) or unreachable
        continue;
      }
      candidates.length = 0;
      const first = p.portStart[s]!;
      for (let q = first; q < p.portStart[s + 1]!; q++) {
        const peer = p.peerNode[q]! - H;
        if (peer >= 0 && dist[peer] === toward) candidates.push(q - first);
      }
      route[s * L + d] = rangeOrSet(candidates, portSets[s]!, setIds[s]!, g.switches[s]!);
    }
  }
  return { leafIndex, leaves: L, route, portSets, leafHops };
}

/** Side-by-side candidates as a range; others as the id of their (deduplicated) port set. */
function rangeOrSet(candidates: readonly number[], sets: (readonly number[])[], ids: Map<string | number, number>, name: string): PortRange {
  const n = candidates.length;
  if (candidates[n - 1]! - candidates[0]! === n - 1) return portRange(candidates[0]!, n);
  // The set as a bit mask while ports fit a double's 53 bits exactly (a string only for wider switches).
  let key: string | number = 0;
  if (candidates[n - 1]! < 53) for (const p of candidates) key += 2 ** p;
  else key = candidates.join(',');
  let id = ids.get(key);
  if (id === undefined) {
    if (sets.length >= MAX_PORT_SETS) throw new RangeError(`switch ${name}: more than ${MAX_PORT_SETS} distinct equal-cost port sets`);
    ids.set(key, (id = sets.push([...candidates]) - 1));
  }
  return portSet(id);
}
