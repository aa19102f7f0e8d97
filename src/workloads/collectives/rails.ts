import { doubleBinaryTree } from './double-binary-tree.js';
import type { TreeShape } from './tree-run.js';

/**
 * How NCCL lays a collective's channels on multi-NIC servers (one NIC per GPU, GPU i of a
 * server on rail i, as a rail-optimized fabric cables them).
 *
 * NCCL's topology search (src/graph/search.cc) builds each channel's ring inside a server
 * as NET n → GPU a → … → GPU x → NET n: it enters and leaves the server through the same
 * NIC, the hops inside on NVLink. The last GPU x is not the NIC's own GPU, so with PXN
 * (default since 2.12) it writes its data over NVLink to the NIC's GPU, whose proxy sends it
 * (src/transport/net.cc, ncclTopoGetNetDev's proxyRank). Channel logs of 3 × 8 H100
 * (NVIDIA/nccl issue #1453: "Channel 01/16 : 0 7 6 5 4 3 2 9 8 15 …") show the order:
 * channel c enters at the GPU of rail c mod G and walks down the GPUs cyclically.
 */

/** The ranks of each server (GPU ⌊gpu/G⌋), servers in order of their first rank, each's ranks by GPU. */
export function serversOf(gpus: readonly number[], gpusPerNode: number): number[][] {
  const byServer = new Map<number, number[]>();
  gpus.forEach((gpu, rank) => {
    const server = Math.floor(gpu / gpusPerNode);
    let ranks = byServer.get(server);
    if (!ranks) byServer.set(server, (ranks = []));
    ranks.push(rank);
  });
  return [...byServer.values()].map((ranks) => ranks.sort((a, b) => gpus[a]! - gpus[b]!));
}

/**
 * NCCL's ring channels on multi-NIC servers: its search finds one channel per NIC (on sm90,
 * 48 GB/s each; ncclTopoDupChannels keeps them when there are more than 4 below 50 GB/s),
 * then ncclTopoPostset doubles them (connectRings): 2 per NIC, at most MAXCHANNELS = 32.
 * 8 NICs → 16, as NCCL logs "Channel 00/16" on 8-GPU H100 servers. One server, or no
 * NVLink domain: 1 (fabsim's historical default; NCCL's intra-node count is another search).
 */
export function defaultRingChannels(servers: readonly number[][]): number {
  if (servers.length < 2) return 1;
  const nicsPerServer = Math.min(...servers.map((s) => s.length));
  return Math.min(32, 2 * nicsPerServer);
}

/**
 * NCCL's tree of channel `c` (of `channels`) on multi-NIC servers (search.cc's tree pattern
 * NET n → GPU a → GPU b → … → GPU x, and connectTrees): inside each server a chain that
 * starts at local rank c mod k (rail c) and walks down as the ring does; the chain heads of the
 * servers form NCCL's double binary tree over servers, tree 0 for the first half of the
 * channels and tree 1 (the mirrored one) for their duplicates, so every tree edge between
 * servers joins two NICs of rail c. Positions are ranks.
 */
export function railTree(servers: readonly number[][], ranks: number, c: number, channels: number): TreeShape {
  const parent = new Int32Array(ranks).fill(-1);
  const children: number[][] = Array.from({ length: ranks }, () => []);
  const t = channels > 1 && c >= channels / 2 ? 1 : 0;
  const heads = servers.map((local) => local[c % local.length]!);
  servers.forEach((local, s) => {
    const k = local.length;
    const entry = c % k;
    const chain = Array.from({ length: k }, (_, j) => local[(entry - j + k) % k]!);
    for (let j = 1; j < k; j++) {
      parent[chain[j]!] = chain[j - 1]!;
      children[chain[j - 1]!]!.push(chain[j]!);
    }
    const links = doubleBinaryTree(servers.length, s)[t]!;
    if (links.parent >= 0) parent[chain[0]!] = heads[links.parent]!;
    for (const child of links.children) children[chain[0]!]!.push(heads[child]!);
  });
  return { parent, children };
}

/** One channel's ring: ranks in ring order, and per rank the GPU its inter-server send is relayed through (−1: none). */
export interface RailRing {
  order: number[];
  viaGpu: Int32Array;
}

/**
 * Channel `c`'s ring over `servers`: in each server it enters at local rank c mod k (of the
 * k ranks there: rail c mod G when the server is whole), walks down cyclically, and the last
 * rank's send to the next server leaves by the entry rank's NIC (relayed over NVLink when
 * `pxn`, as NCCL does; without, it leaves by its own NIC and crosses rails).
 */
export function railRing(servers: readonly number[][], gpus: readonly number[], c: number, pxn = true): RailRing {
  const order: number[] = [];
  const viaGpu = new Int32Array(gpus.length).fill(-1);
  for (const ranks of servers) {
    const k = ranks.length;
    const entry = c % k;
    for (let j = 0; j < k; j++) order.push(ranks[(entry - j + k) % k]!);
    if (pxn && servers.length > 1 && k > 1) viaGpu[ranks[(entry + 1) % k]!] = gpus[ranks[entry]!]!;
  }
  return { order, viaGpu };
}
