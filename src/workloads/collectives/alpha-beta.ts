import { serializationPs, usFromPs } from '../../engine/index.js';
import type { FabricModel } from '../../fabric/index.js';
import { splitEvenly } from '../workload.js';
import { sliceCount } from './collective.js';
import { doubleBinaryTree } from './double-binary-tree.js';
import { DEFAULT_TREE_CHUNK_BYTES } from './tree-run.js';

/**
 * Alpha-beta cost of ring all-reduce, T = 2(N−1)·α + 2(N−1)/N · S/B, with B the payload
 * goodput of a link and α the model's own per-hop latency: the last packet of a chunk,
 * once serialized at the sender, crosses the remaining hops store-and-forward plus every
 * link's propagation. A step waits for the previous one from the predecessor, so the
 * critical path walks 2(N−1) consecutive ring edges: α is the mean over the ring's edges.
 * A non-blocking fabric should run a single-channel ring within a few percent of it.
 */
export function ringAllReduceAlphaBetaUs(net: FabricModel, gpus: readonly number[], bytes: number): { totalUs: number; bandwidthUs: number } {
  const n = gpus.length;
  const { mtuBytes, headerBytes } = net.config;
  const rate = net.hostGbps;
  const goodputBytesPerUs = ((rate * 1e3) / 8) * (mtuBytes / (mtuBytes + headerBytes));
  let alphaSumPs = 0;
  for (let r = 0; r < n; r++) {
    const hops = net.topology.hops(gpus[r]!, gpus[(r + 1) % n]!);
    alphaSumPs += hops * net.topology.linkDelayPs + (hops - 1) * serializationPs(mtuBytes + headerBytes, rate);
  }
  const alphaPs = alphaSumPs / n;
  const bandwidthUs = ((2 * (n - 1)) / n) * (bytes / goodputBytesPerUs);
  return { totalUs: 2 * (n - 1) * usFromPs(alphaPs) + bandwidthUs, bandwidthUs };
}

/** How the hierarchical all-reduce was run (what `HierarchicalAllReduce` was built with). */
export interface HierarchicalAlphaBetaOptions {
  /** Consecutive ranks per node. */
  gpusPerNode: number;
  /** The all-reduce across nodes, per rail. */
  interNode: 'ring' | 'tree';
  /** The workload's `chunkBytes`: the tree's slice (default DEFAULT_TREE_CHUNK_BYTES); the rings' slicing does not enter the formula. */
  chunkBytes?: number;
}

/** The cost of a hierarchical all-reduce, in total and per phase (µs). */
export interface HierarchicalAlphaBeta {
  totalUs: number;
  /** The part that is bytes over goodput: what more channels could not shorten. */
  bandwidthUs: number;
  /** Node reduce-scatter; the node all-gather costs the same. */
  nodeUs: number;
  acrossUs: number;
  /** Tree across nodes: its two bounds (acrossUs is the larger). */
  tree?: { pipelinedUs: number; oneSliceUs: number };
}

/**
 * Alpha-beta cost of the hierarchical all-reduce (`HierarchicalAllReduce`, one channel):
 *
 *   T = 2·T_node + T_across
 *   T_node         = (g−1)·α_node + (g−1)/g · S/B_node       (reduce-scatter, later all-gather: rings of g)
 *   T_across, ring = 2(M−1)·α_rail + 2(M−1)/M · s/B         (ring over the M nodes of a rail)
 *   T_across, tree = max( 2s/B + 2·max_path Σ_e (α_e + c/B),                pipelined
 *                         2·max_path Σ_e (α_e + n_e·c/B) + (k−1)·2c/B )      one slice's own path
 *
 * s = max ⌈S/g⌉ is the shard a rail all-reduces; each of the two trees carries s/2 in k
 * slices of at most c (`chunkBytes`, default 128 KiB, as TreeRun cuts them). B is a path's
 * payload goodput (rate × MTU / (MTU + header)). α_e of an edge between two GPUs is the
 * model's unloaded latency of a message's last packet once serialized at the sender,
 * hops·delay + (hops−1)·frame/rate, on the edge's actual path (`topology.hops`): NVLink
 * rate and per-hop delay between GPUs of one server (`topology.nvlink`), the fabric's
 * otherwise. A ring's critical path walks its steps over consecutive edges, so α_node and
 * α_rail are means over the ring's edges (of the slowest node, the slowest rail); B_node is
 * the slowest rate on a node ring (NVLink when each node is one server).
 *
 * The tree, as TreeRun runs it: a position sends slice i up once it has it from each child,
 * the root turns it around, every position forwards it to its children. Each rank is interior
 * in one tree (receives s/2 from each of two children, sends s/2 up, receives s/2 from its
 * parent, sends s/2 to each child) and a leaf in the other (s/2 up, s/2 down): 2s through its
 * NIC each way, the bandwidth term. The first bound is the one-switch test's pipeline
 * (2S/B + 2·depth·(α + slice/B)) with each level's own α: when many slices keep both passes
 * busy, a level adds α_e plus one slice. The second follows one slice with nothing else in
 * the way: going up, the n_e children of the edge's parent (2 inside a tree, 1 below the root
 * of the first) deliver their copies through the parent's one link, n_e·c; going down, the
 * parent sends it to n_e children through its one link; later slices follow at one every
 * 2c/B (a NIC moves 2c per slice in each pass). That is the binding one when the tree is deep
 * against its slices (k below ~2·depth: the up pass has ended at the leaves before the down
 * pass reaches them). Paths are root-to-position, the costliest over positions, both trees
 * and every rail. Neither is exact where the passes partly overlap: a lone rail's tree in the
 * flow model (depth 5 and 14, 1 to 64 slices) ran from 4% below to 6% above the larger one.
 *
 * Assumes: phases back to back per node (reduce-scatter, across nodes, all-gather; nodes and
 * rails in parallel and alike, so the slowest counts); a NIC's NVLink and fabric ports do
 * not share bandwidth; the fabric carries the rails' traffic without contention (non-blocking
 * and balanced: ECMP collisions, e.g. of the g rails on spine–core cables, or other traffic
 * make it slower); one channel; no GPU reduction time. Only the FabricModel interface is
 * used, so it holds for the packet and the flow model alike.
 */
export function hierarchicalAllReduceAlphaBetaUs(
  net: FabricModel,
  gpus: readonly number[],
  bytes: number,
  options: HierarchicalAlphaBetaOptions,
): HierarchicalAlphaBeta {
  const { gpusPerNode: g, interNode } = options;
  const n = gpus.length;
  if (n % g !== 0) throw new RangeError(`hierarchical alpha-beta: ${n} ranks are not whole nodes of ${g}`);
  const nodes = n / g;
  const { mtuBytes, headerBytes } = net.config;
  const frame = mtuBytes + headerBytes;
  const { nvlink } = net.topology;
  /** Rate (Gb/s) and α (ps) of the path from GPU a to GPU b. */
  const edge = (a: number, b: number): { gbps: number; alphaPs: number } => {
    const hops = net.topology.hops(a, b);
    const inServer = nvlink !== null && a !== b && Math.floor(a / nvlink.gpusPerNode) === Math.floor(b / nvlink.gpusPerNode);
    const gbps = inServer ? nvlink.gbps : net.hostGbps;
    const delayPs = inServer ? nvlink.delayPs : net.topology.linkDelayPs;
    return { gbps, alphaPs: hops * delayPs + (hops - 1) * serializationPs(frame, gbps) };
  };
  /** Payload µs of `b` bytes at `gbps`. */
  const payloadUs = (b: number, gbps: number) => (b / ((gbps * 1e3) / 8)) * (frame / mtuBytes);

  // Node rings (reduce-scatter and all-gather alike): the slowest node.
  let nodeUs = 0;
  let nodeBandwidthUs = 0;
  for (let node = 0; node < nodes && g > 1; node++) {
    let alphaPs = 0;
    let gbps = Infinity;
    for (let j = 0; j < g; j++) {
      const e = edge(gpus[node * g + j]!, gpus[node * g + ((j + 1) % g)]!);
      alphaPs += e.alphaPs;
      gbps = Math.min(gbps, e.gbps);
    }
    const bandwidthUs = ((g - 1) / g) * payloadUs(bytes, gbps);
    const us = (g - 1) * usFromPs(alphaPs / g) + bandwidthUs;
    if (us > nodeUs) [nodeUs, nodeBandwidthUs] = [us, bandwidthUs];
  }

  // Across nodes, per rail on the largest shard (rails run in parallel: the slowest counts).
  const shard = Math.max(...splitEvenly(bytes, g));
  let acrossUs = 0;
  let acrossBandwidthUs = 0;
  let tree: HierarchicalAlphaBeta['tree'];
  for (let j = 0; j < g && nodes > 1; j++) {
    const rail = Array.from({ length: nodes }, (_, node) => gpus[node * g + j]!);
    let us: number;
    let bandwidthUs: number;
    if (interNode === 'ring') {
      let alphaPs = 0;
      let gbps = Infinity;
      for (let i = 0; i < nodes; i++) {
        const e = edge(rail[i]!, rail[(i + 1) % nodes]!);
        alphaPs += e.alphaPs;
        gbps = Math.min(gbps, e.gbps);
      }
      bandwidthUs = ((2 * (nodes - 1)) / nodes) * payloadUs(shard, gbps);
      us = 2 * (nodes - 1) * usFromPs(alphaPs / nodes) + bandwidthUs;
    } else {
      const part = Math.max(...splitEvenly(shard, 2));
      const slices = sliceCount(part, options.chunkBytes ?? DEFAULT_TREE_CHUNK_BYTES);
      const slice = Math.max(...splitEvenly(part, slices));
      let gbps = Infinity;
      // Costliest root-to-position paths: Σ(α_e + c/B) (pipelined) and Σ(α_e + n_e·c/B) (one slice alone).
      let pipelinedPathUs = 0;
      let alonePathUs = 0;
      for (let t = 0; t < 2; t++) {
        const links = Array.from({ length: nodes }, (_, i) => doubleBinaryTree(nodes, i)[t]!);
        const pipelined = new Float64Array(nodes).fill(-1);
        const alone = new Float64Array(nodes);
        const walk = (i: number): void => {
          if (pipelined[i]! >= 0) return;
          const p = links[i]!.parent;
          if (p < 0) {
            pipelined[i] = alone[i] = 0;
            return;
          }
          walk(p);
          const e = edge(rail[p]!, rail[i]!);
          gbps = Math.min(gbps, e.gbps);
          const alphaUs = usFromPs(e.alphaPs);
          const sliceUs = payloadUs(slice, e.gbps);
          pipelined[i] = pipelined[p]! + alphaUs + sliceUs;
          alone[i] = alone[p]! + alphaUs + links[p]!.children.length * sliceUs;
        };
        for (let i = 0; i < nodes; i++) {
          walk(i);
          pipelinedPathUs = Math.max(pipelinedPathUs, pipelined[i]!);
          alonePathUs = Math.max(alonePathUs, alone[i]!);
        }
      }
      bandwidthUs = payloadUs(2 * shard, gbps);
      const pipelinedUs = bandwidthUs + 2 * pipelinedPathUs;
      const oneSliceUs = 2 * alonePathUs + (slices - 1) * payloadUs(2 * slice, gbps);
      us = Math.max(pipelinedUs, oneSliceUs);
      if (us > acrossUs) tree = { pipelinedUs, oneSliceUs };
    }
    if (us > acrossUs) [acrossUs, acrossBandwidthUs] = [us, bandwidthUs];
  }
  return { totalUs: 2 * nodeUs + acrossUs, bandwidthUs: 2 * nodeBandwidthUs + acrossBandwidthUs, nodeUs, acrossUs, ...(tree ? { tree } : {}) };
}
