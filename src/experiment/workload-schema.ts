import { z } from 'zod';
import { positiveInt, size } from './schema-primitives.js';

const allreduce = z.strictObject({
  kind: z.literal('allreduce'),
  algorithm: z.enum(['ring']).default('ring'),
  bytes: size,
  channels: positiveInt.default(1),
  /** How many GPUs take part; default every GPU. */
  ranks: z.number().int().min(2).optional(),
  /** packed: rank r on GPU r; random: ranks on a seeded random choice of GPUs (a fragmented job). */
  placement: z.enum(['packed', 'random']).default('packed'),
});
const permutation = z.strictObject({ kind: z.literal('permutation'), bytes: size });
const incast = z.strictObject({
  kind: z.literal('incast'),
  senders: positiveInt,
  bytes: size,
  target: z.number().int().nonnegative().default(0),
});
const workloadSchema = z.discriminatedUnion('kind', [allreduce, permutation, incast], {
  error: 'expected one of "allreduce", "permutation", "incast"',
});
/** One workload, or a list of them measured one after another (phases), each on a fresh fabric. */
export const workloadsSchema = z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(workloadSchema).min(1));

