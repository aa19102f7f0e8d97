import { basename } from 'node:path';
import { psFromUs, rngStream, shuffle } from '../engine/index.js';
import {
  AllToAll,
  AutoCollective,
  ChakraWorkload,
  PROTOCOLS,
  type Protocol,
  type TunedAlgorithm,
  Background,
  Broadcast,
  HalvingDoubling,
  HierarchicalAllReduce,
  incast,
  Job,
  Jobs,
  NAMED_CDFS,
  permutation,
  MatrixWorkload,
  plannedCollectiveBytes,
  RingCollective,
  TreeAllReduce,
  type Collective,
  type CollectiveParams,
  type Workload,
} from '../workloads/index.js';
import { DEFAULT_GPUS_PER_NODE } from '../fabric/index.js';
import { readChakraTraces } from './chakra-files.js';
import { readMatrixFile } from './matrix-file.js';
import { SpecError } from './spec-error.js';
import { formatSize } from './sizes.js';
import type { WorkloadSpec } from './spec.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export { DEFAULT_GPUS_PER_NODE } from '../fabric/index.js';

/**
 * Builds the workload a spec describes on a fabric of `gpus` GPUs; `gpusPerNode` is the
 * topology's server size (its shape's: hierarchical all-reduce's default node).
 */
export function createWorkload(spec: WorkloadSpec, gpus: number, seed: number, gpusPerNode = DEFAULT_GPUS_PER_NODE): Workload {
  switch (spec.kind) {
    case 'permutation':
      return permutation(range(gpus), spec.bytes, rngStream(seed, 'workload/permutation'));
    case 'incast': {
      // Senders: a seeded random choice among the other GPUs, so they spread over leaves.
      const others = shuffle(
        range(gpus).filter((g) => g !== spec.target),
        rngStream(seed, 'workload/incast'),
      );
      return incast(others.slice(0, spec.senders).sort((a, b) => a - b), spec.target, spec.bytes);
    }
    case 'jobs':
      return createJobs(spec, gpus, seed, gpusPerNode);
    case 'matrix': {
      const matrix = readMatrixFile(spec.file);
      if (matrix.nodes > gpus) throw new SpecError(`workload.file: ${spec.file} has Nodes ${matrix.nodes}, the topology ${gpus} GPUs`);
      return new MatrixWorkload(matrix);
    }
    case 'chakra':
      return createChakra(spec, gpus, gpusPerNode);
    default: {
      const ranks = spec.ranks ?? gpus;
      const placed =
        spec.placement === 'packed' ? range(ranks) : shuffle(range(gpus), rngStream(seed, 'workload/placement')).slice(0, ranks);
      return createCollective(spec, placed, gpusPerNode);
    }
  }
}

type JobsSpec = Extract<WorkloadSpec, { kind: 'jobs' }>;
/** A collective as a job runs it: without ranks and placement of its own. */
type CollectiveSpec = JobsSpec['jobs'][number]['collectives'][number];

/**
 * Jobs take disjoint GPUs in the order listed: a packed job the lowest free ones, a random
 * one a seeded random choice of the free ones.
 */
function createJobs(spec: JobsSpec, gpus: number, seed: number, gpusPerNode: number): Jobs {
  const free = range(gpus);
  const rng = rngStream(seed, 'workload/jobs');
  let workload!: Jobs;
  const jobs = spec.jobs.map((j, i) => {
    const placed = j.placement === 'packed' ? free.splice(0, j.ranks) : shuffle(free, rng).splice(0, j.ranks);
    if (j.placement === 'random') free.sort((a, b) => a - b);
    return new Job(
      j.name ?? `job${i}`,
      placed,
      j.iterations,
      j.computeUs,
      (k) => createCollective(j.collectives[k]!, placed, gpusPerNode),
      j.collectives.length,
      (atPs) => workload.jobDone(atPs),
      psFromUs(j.startUs),
      j.collectives.reduce((sum, c) => sum + plannedCollectiveBytes(c.kind === 'allreduce' ? 'allreduce' : 'other', j.ranks, c.bytes), 0),
    );
  });
  const bg = spec.background;
  const background =
    bg &&
    new Background(
      range(gpus),
      bg.load,
      typeof bg.sizes === 'string' ? NAMED_CDFS[bg.sizes]! : bg.sizes.map(([b, p]) => [b, p / 100] as const),
      rngStream(seed, 'workload/background'),
      bg.durationUs === undefined ? Infinity : psFromUs(bg.durationUs),
    );
  workload = new Jobs(jobs, background);
  return workload;
}

/** Chakra traces: rank r on GPU r; each collective with fabsim's defaults (ring where NCCL would). */
function createChakra(spec: Extract<WorkloadSpec, { kind: 'chakra' }>, gpus: number, gpusPerNode: number): ChakraWorkload {
  const trace = readChakraTraces(spec);
  const ranks = trace.graphs.length;
  if (ranks > gpus) throw new SpecError(`workload.files: ${ranks} rank traces, more than topology.gpus (${gpus})`);
  return new ChakraWorkload(spec.name ?? 'chakra', trace, range(ranks), (kind, bytes, members) => {
    const ring = kind === 'allreduce' || kind === 'allgather' || kind === 'reducescatter' ? { algorithm: 'ring' } : {};
    return createCollective({ kind, bytes, qpsPerConnection: 1, pxn: true, ...ring } as CollectiveSpec, members, gpusPerNode) as Collective;
  });
}

function createCollective(spec: CollectiveSpec, gpus: number[], gpusPerNode: number): Collective | AutoCollective {
  const protocol = spec.protocol === 'auto' ? undefined : spec.protocol;
  const params: CollectiveParams = {
    gpus,
    bytes: spec.bytes,
    channels: spec.channels,
    minChannels: spec.minChannels,
    maxChannels: spec.maxChannels,
    chunkBytes: spec.chunkBytes,
    qpsPerConnection: spec.qpsPerConnection,
    slots: 'slots' in spec && spec.slots !== undefined ? (spec.slots === 'unlimited' ? Infinity : spec.slots) : undefined,
    slotCredits: 'slotCredits' in spec ? spec.slotCredits : undefined,
    protocol,
  };
  const autoAlgorithm = 'algorithm' in spec && spec.algorithm === 'auto';
  if ((autoAlgorithm || spec.protocol === 'auto') && (spec.kind === 'allreduce' || spec.kind === 'allgather' || spec.kind === 'reducescatter')) {
    const kind = spec.kind;
    const algorithms: TunedAlgorithm[] = autoAlgorithm ? ['ring', 'tree'] : [spec.algorithm as TunedAlgorithm];
    const protocols: Protocol[] = spec.protocol === 'auto' ? [...PROTOCOLS] : [protocol ?? 'simple'];
    return new AutoCollective(kind, params, algorithms, protocols, (algorithm, _p, p) =>
      kind !== 'allreduce' ? new RingCollective(kind, p, spec.pxn) : algorithm === 'tree' ? new TreeAllReduce(p) : new RingCollective('allreduce', p, spec.pxn),
    );
  }
  switch (spec.kind) {
    case 'allreduce':
      return createAllReduce(spec, params, gpusPerNode);
    case 'allgather':
      return new RingCollective('allgather', params, spec.pxn);
    case 'reducescatter':
      return new RingCollective('reducescatter', params, spec.pxn);
    case 'alltoall':
      return new AllToAll(params, spec.pxn);
    case 'broadcast':
      return new Broadcast(params);
  }
}

function createAllReduce(spec: Extract<CollectiveSpec, { kind: 'allreduce' }>, params: CollectiveParams, gpusPerNode: number): Collective {
  switch (spec.algorithm) {
    case 'ring':
      return new RingCollective('allreduce', params, spec.pxn);
    case 'tree':
      return new TreeAllReduce(params);
    case 'halving-doubling':
      return new HalvingDoubling(params);
    case 'hierarchical':
      return new HierarchicalAllReduce(params, spec.gpusPerNode ?? gpusPerNode, spec.interNode);
    case 'auto':
      throw new Error('unreachable: auto is built above');
  }
}

/** A short label for result rows: "allreduce/ring 64MiB x4", "permutation 8MiB", "incast 32:1 2MiB". */
export function workloadLabel(spec: WorkloadSpec): string {
  switch (spec.kind) {
    case 'permutation':
      return `permutation ${formatSize(spec.bytes)}`;
    case 'incast':
      return `incast ${spec.senders}:1 ${formatSize(spec.bytes)}`;
    case 'matrix':
      return `matrix ${basename(spec.file)}`;
    case 'chakra':
      return `chakra ${basename(spec.files)}${spec.ranks === undefined ? '' : ` ${spec.ranks} ranks`}`;
    case 'jobs': {
      const jobs = spec.jobs.map((j, i) => `${j.name ?? `job${i}`}(${j.ranks})`).join(' + ');
      const bg = spec.background;
      return `jobs ${jobs}${bg ? ` + background ${bg.load} ${typeof bg.sizes === 'string' ? bg.sizes : 'cdf'}` : ''}`;
    }
    default: {
      const algorithm = 'algorithm' in spec ? `/${spec.algorithm}` : '';
      const knobs = [
        spec.channels !== undefined && spec.channels > 1 ? ` x${spec.channels}` : '',
        spec.minChannels === undefined && spec.maxChannels === undefined ? '' : ` x${spec.minChannels ?? 1}..${spec.maxChannels ?? 64}`,
        spec.chunkBytes === undefined ? '' : ` chunk ${formatSize(spec.chunkBytes)}`,
        spec.qpsPerConnection > 1 ? ` ${spec.qpsPerConnection}qp` : '',
        spec.ranks === undefined ? '' : ` ${spec.ranks} ranks`,
        spec.placement === 'random' ? ' random' : '',
        'interNode' in spec && spec.interNode === 'tree' ? ' tree across nodes' : '',
        'slots' in spec && spec.slots !== undefined ? ` slots ${spec.slots}` : '',
        'slotCredits' in spec && spec.slotCredits === 'cts' ? ' cts credits' : '',
        spec.pxn ? '' : ' no-pxn',
        spec.protocol === undefined ? '' : ` ${spec.protocol}`,
      ];
      return `${spec.kind}${algorithm} ${formatSize(spec.bytes)}${knobs.join('')}`;
    }
  }
}
