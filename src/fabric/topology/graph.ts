/**
 * A topology as a plain graph (read from a file): hosts and switches by name, and full-duplex
 * links between them, each with its own rate and delay. Plain data, so a spec holding one
 * can cross to a worker thread. Node numbers: hosts 0 … H−1 (GPU h is hosts[h]), then
 * switches H … H+S−1.
 */
export interface TopologyGraph {
  readonly hosts: readonly string[];
  readonly switches: readonly string[];
  readonly links: readonly GraphLink[];
  /** Consecutive GPUs per server (node grouping of hierarchical collectives); no NVLink domain is modelled. */
  readonly gpusPerNode?: number;
}

export interface GraphLink {
  /** Node numbers of the two ends (see TopologyGraph). */
  readonly a: number;
  readonly b: number;
  readonly gbps: number;
  readonly delayPs: number;
  /** Parallel cables between the same two switches (each a port of its own, side by side). */
  readonly parallel: number;
  /** Line of the file that declared it (errors name it). */
  readonly line: number;
}

/** `topology: { kind: file, path }` once read: the file's graph and the figures the rest of a spec reads. */
export interface FileTopologySpec {
  kind: 'file';
  path: string;
  gpus: number;
  /** The fastest host NIC, and the longest link delay (PFC headroom checks read them). */
  linkGbps: number;
  linkDelayNs: number;
  graph: TopologyGraph;
}

/** A malformed graph: the message and the file line it is about (0: the file as a whole). */
export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks what every reader of a graph relies on: each link joins two different nodes and is
 * listed once (parallel cables are one link with `parallel`), no host–host link, every host
 * has exactly one link, and every node can reach every host. Throws GraphError with a line.
 */
export function checkGraph(g: TopologyGraph): void {
  const H = g.hosts.length;
  const N = H + g.switches.length;
  if (H < 2) throw new GraphError(0, `needs at least 2 hosts, got ${H}`);
  if (g.switches.length < 1) throw new GraphError(0, 'needs at least 1 switch');
  const name = (n: number) => (n < H ? `host ${g.hosts[n]}` : `switch ${g.switches[n - H]}`);
  const hostLine = new Int32Array(H).fill(-1);
  const seen = new Map<number, number>();
  const degree = new Int32Array(N);
  for (const l of g.links) {
    if (l.a === l.b) throw new GraphError(l.line, `link from ${name(l.a)} to itself`);
    const lo = Math.min(l.a, l.b);
    const hi = Math.max(l.a, l.b);
    const key = lo * N + hi;
    const first = seen.get(key);
    if (first !== undefined) throw new GraphError(l.line, `duplicate link ${name(lo)} – ${name(hi)} (first on line ${first}; parallel cables are one link with parallel: N)`);
    seen.set(key, l.line);
    if (hi < H) throw new GraphError(l.line, `link between two hosts (${name(lo)}, ${name(hi)}): hosts connect to switches`);
    if (lo < H) {
      if (hostLine[lo] !== -1) throw new GraphError(l.line, `${name(lo)} has a second link (first on line ${hostLine[lo]}): a host has exactly one`);
      if (l.parallel !== 1) throw new GraphError(l.line, `${name(lo)}: a host has one NIC link, got parallel ${l.parallel}`);
      hostLine[lo] = l.line;
    }
    // The ranges a spec's linkGbps and linkDelayNs accept.
    if (!(l.gbps >= 1 && l.gbps <= 100_000)) throw new GraphError(l.line, `link rate: expected 1 to 100,000 Gb/s, got ${l.gbps}`);
    if (!(l.delayPs >= 0 && l.delayPs <= 1e12)) throw new GraphError(l.line, `link delay: expected 0 to 10^9 ns, got ${l.delayPs / 1000} ns`);
    degree[l.a]!++;
    degree[l.b]!++;
  }
  const loose = hostLine.indexOf(-1);
  if (loose >= 0) throw new GraphError(0, `${name(loose)} has no link: a host has exactly one`);
  // Connected: every node reachable from host 0 (then every host reaches every other).
  const adjacency = adjacencyOf(g);
  const reached = new Uint8Array(N);
  const queue = new Int32Array(N);
  let tail = 0;
  queue[tail++] = 0;
  reached[0] = 1;
  for (let head = 0; head < tail; head++) {
    const n = queue[head]!;
    for (let i = adjacency.start[n]!; i < adjacency.start[n + 1]!; i++) {
      const m = adjacency.peer[i]!;
      if (!reached[m]) {
        reached[m] = 1;
        queue[tail++] = m;
      }
    }
  }
  const cut = reached.indexOf(0);
  if (cut >= 0) {
    const line = cut < H ? hostLine[cut]! : (g.links.find((l) => l.a === cut || l.b === cut)?.line ?? 0);
    throw new GraphError(line, `${name(cut)} is disconnected: no path to host ${g.hosts[0]}`);
  }
}

/** Neighbours of every node in compressed form: node n's links are link[start[n] … start[n+1]), in file order. */
export interface Adjacency {
  readonly start: Int32Array;
  readonly peer: Int32Array;
  /** The link (index into graph.links) of each entry. */
  readonly link: Int32Array;
}

export function adjacencyOf(g: TopologyGraph): Adjacency {
  const N = g.hosts.length + g.switches.length;
  const start = new Int32Array(N + 1);
  for (const l of g.links) {
    start[l.a + 1]!++;
    start[l.b + 1]!++;
  }
  for (let n = 0; n < N; n++) start[n + 1]! += start[n]!;
  const fill = start.slice(0, N);
  const peer = new Int32Array(start[N]!);
  const link = new Int32Array(start[N]!);
  g.links.forEach((l, i) => {
    peer[fill[l.a]!] = l.b;
    link[fill[l.a]!++] = i;
    peer[fill[l.b]!] = l.a;
    link[fill[l.b]!++] = i;
  });
  return { start, peer, link };
}
