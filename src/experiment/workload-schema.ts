import { z } from 'zod';
import { positiveInt, positiveSize, size } from './schema-primitives.js';

/** The knobs every collective takes, as NCCL users know them. */
const collectiveFields = {
  bytes: size,
  channels: positiveInt.default(1),
  /** Pipelining slice: the most one step moves in one message. */
  chunkBytes: positiveSize.optional(),
  /** Queue pairs per connection (NCCL_IB_QPS_PER_CONNECTION): more ECMP entropy. */
  qpsPerConnection: positiveInt.max(128).default(1),
  /** How many GPUs take part; default every GPU. */
  ranks: z.number().int().min(2).optional(),
  /** packed: rank r on GPU r; random: ranks on a seeded random choice of GPUs (a fragmented job). */
  placement: z.enum(['packed', 'random']).default('packed'),
};

const allreduce = z.strictObject({
  kind: z.literal('allreduce'),
  algorithm: z.enum(['ring', 'tree', 'halving-doubling', 'hierarchical']).default('ring'),
  /** Hierarchical: GPUs per node (consecutive ranks); default the topology's, else 8. */
  gpusPerNode: positiveInt.optional(),
  ...collectiveFields,
});
const allgather = z.strictObject({ kind: z.literal('allgather'), algorithm: z.enum(['ring']).default('ring'), ...collectiveFields });
const reducescatter = z.strictObject({ kind: z.literal('reducescatter'), algorithm: z.enum(['ring']).default('ring'), ...collectiveFields });
const alltoall = z.strictObject({ kind: z.literal('alltoall'), ...collectiveFields });
const broadcast = z.strictObject({ kind: z.literal('broadcast'), ...collectiveFields });
const permutation = z.strictObject({ kind: z.literal('permutation'), bytes: size });
const incast = z.strictObject({
  kind: z.literal('incast'),
  senders: positiveInt,
  bytes: size,
  target: z.number().int().nonnegative().default(0),
});
const KINDS = [allreduce, allgather, reducescatter, alltoall, broadcast, permutation, incast] as const;
const workloadSchema = z.discriminatedUnion('kind', KINDS, {
  error: `expected one of ${KINDS.map((k) => `"${k.shape.kind.value}"`).join(', ')}`,
});
/** One workload, or a list of them measured one after another (phases), each on a fresh fabric. */
export const workloadsSchema = z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(workloadSchema).min(1));

