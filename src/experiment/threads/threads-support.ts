import { DragonflyShape, GraphShape, routingOf, shapeOf, type FabricConfig, type TopologyShape } from '../../fabric/index.js';
import { modelOf, resolveFabrics } from '../fabrics.js';
import { readMatrixFile } from '../matrix-file.js';
import { createWorkload } from '../create-workload.js';
import { AutoCollective, type Jobs } from '../../workloads/index.js';
import type { ExperimentSpec, WorkloadSpec } from '../spec.js';

/** Routing policies that read only their own switch (per-node-routing.ts can give each switch its own). */
const PER_NODE_ROUTINGS = new Set(['ecmp', 'spray', 'adaptive', 'flowlet', 'minimal', 'valiant', 'ugal']);
const TOPOLOGIES = new Set(['leaf-spine', 'fat-tree', 'rail-optimized', 'dragonfly', 'file']);

/** The shortest propagation delay of any link (host links, fabric cables, NVLink): a cut link is one of them. */
function shortestLinkDelayPs(shape: TopologyShape): number {
  if (shape instanceof DragonflyShape) return Math.min(shape.hostDelayPs, shape.localDelayPs, shape.globalDelayPs);
  if (shape instanceof GraphShape) return Math.min(...shape.graph.links.map((l) => l.delayPs));
  return Math.min(shape.linkDelayPs, shape.nvlink?.delayPs ?? Infinity);
}

/**
 * Why `--threads` cannot run this spec (one line for the user), or null. The parallel engine
 * runs a subset: the packet model (NVLink frame by frame, or per message with whole servers
 * per thread), independent messages known up front (permutation, incast, a connection matrix
 * without triggers) or a collective whose every post comes from the rank that just received
 * (network-partition.ts says why that is exact), link and switch failures (every replica
 * marks them, windows break at their times), no event limit (a time limit is), routing that
 * reads only its own switch, and no mechanism whose receiver reads state the sender changes.
 */
export function threadsProblem(spec: ExperimentSpec, options: { explain?: boolean; threads?: number } = {}): string | null {
  const topology = spec.topology as { kind: string };
  const shape = shapeOf(spec.topology);
  // Windows are as long as the shortest link between threads: a link without delay leaves none.
  if (!TOPOLOGIES.has(topology.kind)) return `--threads: topology ${topology.kind} is not supported yet (leaf-spine, fat-tree, rail-optimized, dragonfly, file)`;
  if ((options.threads ?? 1) > 1 && shortestLinkDelayPs(shape) <= 0)
    return '--threads: more than one thread needs every link to have a propagation delay (the lookahead between threads); this topology has a link with 0';
  // NVLink per message: a server's crossbar state lives on the thread that owns its GPUs, so servers must be whole (blocks of server groups, ownership.ts).
  const threads = options.threads ?? 1;
  if (shape.nvlink !== null && (spec.topology as { nvlinkModel?: string }).nvlinkModel !== 'packet' && threads > 1) {
    const groups = (shape as unknown as { leaves: number }).leaves / shape.nvlink.gpusPerNode;
    if (groups < threads)
      return `--threads: NVLink per message needs whole servers on each thread: ${threads} threads need at least ${threads} server groups (rail leaves' groups), this topology has ${groups}; use fewer threads or nvlinkModel: packet`;
  }
  // A time limit stops every thread at the same simulated time; a count of events would stop each at another.
  if (spec.limits.maxEvents !== undefined) return '--threads: limits.maxEvents is not supported (a count of events would stop each thread at another simulated time); limits.maxTimeUs is';
  if (options.explain) return '--threads: --explain is not supported yet';
  for (const w of spec.workload) {
    const problem = workloadProblem(w, Math.max(shape.linkDelayPs, shape.nvlink?.delayPs ?? 0), { seed: spec.seed, shape });
    if (problem !== null) return `--threads: ${problem}`;
  }
  for (const config of resolveFabrics(spec.fabrics)) {
    const problem = fabricProblem(config);
    if (problem !== null) return `--threads: fabric ${config.name}: ${problem}`;
  }
  return null;
}

function fabricProblem(config: FabricConfig): string | null {
  if (modelOf(config) !== 'packet') return 'only the packet model runs on threads';
  if (!PER_NODE_ROUTINGS.has(routingOf(config).name)) return `routing ${config.routing} is not supported (${[...PER_NODE_ROUTINGS].join(', ')})`;
  // Go-back-N's receiver reads the sender's window to decide when to ACK; a variable window moves it at the sender only.
  const telemetry = (config as { telemetry?: { window?: string } }).telemetry;
  if (config.cc === 'telemetry' && telemetry?.window === 'variable' && config.lossRecovery === 'go-back-n')
    return 'telemetry CC with a variable window and go-back-N recovery is not supported';
  return null;
}

const COLLECTIVES = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);

/**
 * A job is bulk-synchronous: its last rank to finish starts every rank's next step, across
 * threads. Legal only with a compute phase of at least the lookahead in between (every replica
 * starts the next iteration then, EveryReplica); collectives chained within an iteration start
 * at once, so a job runs one collective per iteration.
 */
function jobsProblem(w: Extract<WorkloadSpec, { kind: 'jobs' }>, lookaheadBoundPs: number, at: Fabricless): string | null {
  if (w.background !== undefined) return 'jobs with background traffic are not supported yet';
  // Built only if a collective's algorithm is auto: its pick depends on the job's GPUs.
  let built: Jobs | null = null;
  for (const [i, job] of w.jobs.entries()) {
    const name = job.name ?? 'a job';
    if (job.collectives.length !== 1)
      return `${name}: jobs run one collective per iteration (chained collectives start on every rank at once, across threads, with no lookahead)`;
    if (job.iterations > 1 && job.computeUs * 1e6 < lookaheadBoundPs)
      return `${name}: computeUs ${job.computeUs} is shorter than the longest link delay (${lookaheadBoundPs / 1e6} µs): the next iteration would start on other threads within the lookahead`;
    const specimen = () => (built ??= createWorkload(w, at.shape.gpus, at.seed, at.shape.gpusPerNode) as Jobs).jobs[i]!.collectiveSpecimen(0);
    const problem = workloadProblem(job.collectives[0] as WorkloadSpec, lookaheadBoundPs, { ...at, specimen });
    if (problem !== null) return `${name}: ${problem}`;
  }
  return null;
}

/**
 * What `algorithm: auto` needs to make its pick before the run: the topology alone
 * (AutoCollective.choose), and the collective as the run builds it (a job's on the job's GPUs).
 */
interface Fabricless {
  seed: number;
  shape: TopologyShape;
  specimen?: () => unknown;
}

function workloadProblem(w: WorkloadSpec, lookaheadBoundPs: number, at: Fabricless): string | null {
  if (w.kind === 'permutation' || w.kind === 'incast') return null;
  if (w.kind === 'matrix') return readMatrixFile(w.file).triggers.length > 0 ? 'a connection matrix with triggers is not supported yet' : null;
  if (w.kind === 'jobs') return jobsProblem(w, lookaheadBoundPs, at);
  if (!COLLECTIVES.has(w.kind)) return `workload ${w.kind} is not supported yet (permutation, incast, matrix, allreduce, allgather, reducescatter, alltoall, broadcast)`;
  const c = w as { algorithm?: string; interNode?: string; slots?: number | 'unlimited'; slotCredits?: string };
  // A tree's sender waits for its receiver to free a slot: an instant credit comes back from another NIC with no lookahead to cross threads on; a CTS is a message like any other.
  const creditsCross = c.slots !== 'unlimited' && c.slotCredits !== 'cts';
  if (c.algorithm === 'auto' && creditsCross) {
    // The pick depends on the size and the topology only, so it is known before the run.
    const auto = at.specimen?.() ?? createWorkload(w, at.shape.gpus, at.seed, at.shape.gpusPerNode);
    if (auto instanceof AutoCollective && auto.choose(at.shape.nvlink, at.shape.linkGbps).algorithm === 'tree') return `algorithm auto picks tree here, and ${TREE_CREDITS}`;
    return null;
  }
  const tree = c.algorithm === 'tree' || (c.algorithm === 'hierarchical' && c.interNode === 'tree');
  if (tree && creditsCross) return TREE_CREDITS;
  return null;
}

const TREE_CREDITS =
  "a tree with slot limits (slots, NCCL_STEPS = 8 by default) and instant credits is not supported: they cross NICs at once; slotCredits: cts (NCCL's clear-to-send over the fabric) or slots: unlimited is";
