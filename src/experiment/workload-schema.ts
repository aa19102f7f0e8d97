import { z } from 'zod';
import { channelBoundsProblem, expandNcclAliases, MAX_CHANNELS, NcclAliasError } from './nccl-env.js';
import { cdfPercentPoints, durationUs, positiveDurationUs, positiveInt, positiveSize, size } from './schema-primitives.js';

/** The knobs every collective takes, as NCCL users know them. */
const collectiveFields = {
  bytes: size,
  /** Default: the algorithm's (ring on multi-GPU servers: NCCL's 2 per NIC; otherwise 1). */
  channels: positiveInt.max(MAX_CHANNELS, { error: (i) => `expected at most ${MAX_CHANNELS} channels (NCCL's MAXCHANNELS), got ${String(i.input)}` }).optional(),
  /** NCCL_MIN_NCHANNELS / NCCL_MAX_NCHANNELS: bound the default channel count as NCCL does (max first, then min); not with `channels`. */
  minChannels: positiveInt.max(MAX_CHANNELS).optional(),
  maxChannels: positiveInt.max(MAX_CHANNELS).optional(),
  /** Pipelining slice: the most one step moves in one message. */
  chunkBytes: positiveSize.optional(),
  /** Queue pairs per connection (NCCL_IB_QPS_PER_CONNECTION): more ECMP entropy. */
  qpsPerConnection: positiveInt.max(128).default(1),
  /** PXN (NCCL_PXN_DISABLE=0, the default): inter-server sends leave by the NIC on the channel's or destination's rail, reached over NVLink. Rings and all-to-all. */
  pxn: z.boolean().default(true),
  /** NCCL protocol (its wire bytes per data byte and per-step latency, from tuning.cc). Default: none (ideal transfers). */
  protocol: z.enum(['simple', 'll128', 'll']).optional(),
  /** How many GPUs take part; default every GPU. */
  ranks: z.number().int().min(2).optional(),
  /** packed: rank r on GPU r; random: ranks on a seeded random choice of GPUs (a fragmented job). */
  placement: z.enum(['packed', 'random']).default('packed'),
};

/** Where NCCL's tuning model can pick the protocol (auto): all-reduce, all-gather, reduce-scatter. */
const tunedProtocol = { protocol: z.enum(['simple', 'll128', 'll', 'auto']).optional() };

const allreduce = z.strictObject({
  kind: z.literal('allreduce'),
  algorithm: z.enum(['ring', 'tree', 'halving-doubling', 'hierarchical', 'auto']).default('ring'),
  /** Hierarchical: GPUs per node (consecutive ranks); default the topology's, else 8. */
  gpusPerNode: positiveInt.optional(),
  /** Hierarchical: the all-reduce across nodes, per rail: ring (default) or NCCL's double binary tree. */
  interNode: z.enum(['ring', 'tree']).optional(),
  /** Trees: slices a connection may hold sent but not consumed, NCCL_STEPS (default 8); 'unlimited': every ready slice at once (fabsim before this option). */
  slots: z.union([positiveInt, z.literal('unlimited')], { error: (i) => `expected a positive integer or "unlimited" (slices in flight per tree connection, NCCL_STEPS = 8), got ${JSON.stringify(i.input)}` }).optional(),
  /** Trees with a slot limit: a consumed slot frees at its sender at once (instant, the default) or when the receiver's 64-byte clear-to-send arrives over the fabric (cts, NCCL's net transport). */
  slotCredits: z.enum(['instant', 'cts']).optional(),
  ...collectiveFields,
  ...tunedProtocol,
});
const allgather = z.strictObject({ kind: z.literal('allgather'), algorithm: z.enum(['ring']).default('ring'), ...collectiveFields, ...tunedProtocol });
const reducescatter = z.strictObject({ kind: z.literal('reducescatter'), algorithm: z.enum(['ring']).default('ring'), ...collectiveFields, ...tunedProtocol });
const alltoall = z.strictObject({ kind: z.literal('alltoall'), ...collectiveFields });
const broadcast = z.strictObject({ kind: z.literal('broadcast'), ...collectiveFields });
const permutation = z.strictObject({ kind: z.literal('permutation'), bytes: size });
const incast = z.strictObject({
  kind: z.literal('incast'),
  senders: positiveInt,
  bytes: size,
  target: z.number().int().nonnegative().default(0),
});
/** A collective inside a job: the job decides ranks and placement. */
const omitPlacement = { ranks: true, placement: true } as const;
const jobCollective = z.discriminatedUnion(
  'kind',
  [allreduce.omit(omitPlacement), allgather.omit(omitPlacement), reducescatter.omit(omitPlacement), alltoall.omit(omitPlacement), broadcast.omit(omitPlacement)],
  { error: 'expected one of "allreduce", "allgather", "reducescatter", "alltoall", "broadcast"' },
);
const job = z.strictObject({
  name: z.string().min(1).optional(),
  ranks: z.number().int().min(2),
  /** packed: the next free GPUs in order; random: a seeded random choice of the free ones. */
  placement: z.enum(['packed', 'random']).default('packed'),
  iterations: positiveInt.default(1),
  /** When the job starts, from the start of the run: jobs may start at different times. */
  startUs: durationUs.default(0),
  /** Compute before each iteration's collectives. */
  computeUs: durationUs.default(0),
  collectives: z.array(jobCollective).min(1),
});
const background = z.strictObject({
  /** Offered load per host, as a fraction of its line rate. */
  load: z.number().gt(0).max(1),
  /** A named CDF, or your own points [bytes, cumulative %] from 0% to 100% (or { file: path } to read them from, as the HPCC generator's files). */
  sizes: z
    .union([z.enum(['websearch', 'hadoop', 'alistorage']), cdfPercentPoints])
    .default('websearch'),
  /** Stop starting flows after this long (default: when the last job ends). */
  durationUs: positiveDurationUs.optional(),
});
/** An htsim connection matrix (.cm), a path relative to the spec's folder. */
const matrix = z.strictObject({ kind: z.literal('matrix'), file: z.string().min(1) });
const jobs = z.strictObject({ kind: z.literal('jobs'), jobs: z.array(job).min(1), background: background.optional() });
/**
 * Chakra execution traces (ASTRA-sim's input), one per rank: `files` a path pattern with
 * {rank}, relative to the spec's folder; `groups` the ranks of each process group a trace
 * names (pg_name), as ASTRA-sim's comm-group file; default as many ranks as files from 0.
 */
const chakra = z.strictObject({
  kind: z.literal('chakra'),
  files: z.string().min(1).refine((f) => f.includes('{rank}'), { error: 'expected a path pattern with {rank} in it, e.g. "trace/rank.{rank}.et"' }),
  ranks: positiveInt.optional(),
  groups: z.record(z.string().min(1), z.array(z.number().int().nonnegative()).min(1)).optional(),
  name: z.string().min(1).optional(),
});

const KINDS = [allreduce, allgather, reducescatter, alltoall, broadcast, permutation, incast, jobs, matrix, chakra] as const;
const workloadSchema = z.discriminatedUnion('kind', KINDS, {
  error: `expected one of ${KINDS.map((k) => `"${k.shape.kind.value}"`).join(', ')}`,
});
const COLLECTIVE_KINDS = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `nccl: { NCCL_ALGO: Tree, ... }` on a collective (a workload or a job's) as the knobs it aliases (nccl-env.ts). */
function withNcclAliases(workloads: unknown[], ctx: z.core.ParsePayload): unknown[] {
  const expand = (w: unknown, path: (string | number)[]): unknown => {
    const problem = isObject(w) ? channelBoundsProblem(w) : undefined;
    if (problem) ctx.issues.push({ code: 'custom', input: w, path: [...path, (w as { minChannels?: unknown }).minChannels !== undefined ? 'minChannels' : 'maxChannels'], message: problem });
    if (!isObject(w) || !('nccl' in w)) return w;
    if (!COLLECTIVE_KINDS.has(String(w.kind))) {
      ctx.issues.push({ code: 'custom', input: w.nccl, path: [...path, 'nccl'], message: `NCCL variables apply to collectives (${[...COLLECTIVE_KINDS].join(', ')}), not to "${String(w.kind)}"` });
      return w;
    }
    try {
      return expandNcclAliases(w);
    } catch (error) {
      if (!(error instanceof NcclAliasError)) throw error;
      ctx.issues.push({ code: 'custom', input: w.nccl, path: [...path, 'nccl', ...(error.variable ? [error.variable] : [])], message: error.message });
      return w;
    }
  };
  return workloads.map((w, i) => {
    if (!isObject(w) || w.kind !== 'jobs' || !Array.isArray(w.jobs)) return expand(w, [i]);
    const jobs = w.jobs.map((j, k) =>
      isObject(j) && Array.isArray(j.collectives) ? { ...j, collectives: j.collectives.map((c, n) => expand(c, [i, 'jobs', k, 'collectives', n])) } : j,
    );
    return { ...w, jobs };
  });
}

/** One workload, or a list of them measured one after another (phases), each on a fresh fabric. */
export const workloadsSchema = z.preprocess(
  (v, ctx) => (v === undefined ? v : withNcclAliases(Array.isArray(v) ? v : [v], ctx)),
  z.array(workloadSchema).min(1),
);

