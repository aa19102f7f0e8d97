import { adjacencyOf, type TopologyGraph } from './graph.js';

/** Names of graph tiers by distance from the hosts, as a Clos names them (so reports group alike). */
export const graphTierName = (tier: number): string => ['leaf', 'spine', 'core'][tier] ?? `tier${tier}`;

/**
 * Every switch port of a graph, numbered as the packet model cables them. A switch's tier is
 * its distance from the nearest host minus one (leaves 0). Its ports face down first (hosts,
 * and switches of a lower tier), then up (the same or a higher tier), each group in file
 * order, a link's parallel cables side by side: a file written from a Clos numbers its
 * ports as the Clos does.
 */
export interface GraphPorts {
  readonly tierOf: Int32Array;
  readonly tiers: number;
  /** Ports of switch s: portStart[s] … portStart[s+1]) in the flat arrays below. */
  readonly portStart: Int32Array;
  readonly downPorts: Int32Array;
  /** Per flat port: the node at the other end (host h, or H + switch), and the link (graph.links index). */
  readonly peerNode: Int32Array;
  readonly portLink: Int32Array;
  /** Per link: the port number of its first cable at end a and at end b (a host's end: −1). */
  readonly linkPortA: Int32Array;
  readonly linkPortB: Int32Array;
}

export function graphPorts(g: TopologyGraph): GraphPorts {
  const H = g.hosts.length;
  const S = g.switches.length;
  const N = H + S;
  const adj = adjacencyOf(g);
  // Distance from the nearest host, multi-source BFS.
  const dist = new Int32Array(N).fill(-1);
  const queue = new Int32Array(N);
  let tail = 0;
  for (let h = 0; h < H; h++) {
    dist[h] = 0;
    queue[tail++] = h;
  }
  for (let head = 0; head < tail; head++) {
    const n = queue[head]!;
    for (let i = adj.start[n]!; i < adj.start[n + 1]!; i++) {
      const m = adj.peer[i]!;
      if (dist[m] === -1) {
        dist[m] = dist[n]! + 1;
        queue[tail++] = m;
      }
    }
  }
  const tierOf = new Int32Array(S);
  let tiers = 0;
  for (let s = 0; s < S; s++) tiers = Math.max(tiers, (tierOf[s] = dist[H + s]! - 1) + 1);
  const portStart = new Int32Array(S + 1);
  const downPorts = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let count = 0;
    for (let i = adj.start[H + s]!; i < adj.start[H + s + 1]!; i++) count += g.links[adj.link[i]!]!.parallel;
    portStart[s + 1] = portStart[s]! + count;
  }
  const P = portStart[S]!;
  const peerNode = new Int32Array(P);
  const portLink = new Int32Array(P);
  const linkPortA = new Int32Array(g.links.length).fill(-1);
  const linkPortB = new Int32Array(g.links.length).fill(-1);
  const isDown = (s: number, peer: number) => peer < H || tierOf[peer - H]! < tierOf[s]!;
  for (let s = 0; s < S; s++) {
    let port = 0;
    for (const down of [true, false]) {
      for (let i = adj.start[H + s]!; i < adj.start[H + s + 1]!; i++) {
        const peer = adj.peer[i]!;
        if (isDown(s, peer) !== down) continue;
        const li = adj.link[i]!;
        const l = g.links[li]!;
        if (l.a === H + s) linkPortA[li] = port;
        else linkPortB[li] = port;
        for (let k = 0; k < l.parallel; k++) {
          peerNode[portStart[s]! + port] = peer;
          portLink[portStart[s]! + port] = li;
          port++;
        }
      }
      if (down) downPorts[s] = port;
    }
  }
  return { tierOf, tiers, portStart, downPorts, peerNode, portLink, linkPortA, linkPortB };
}
