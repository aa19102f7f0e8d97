import { z } from 'zod';
import { leafSpineShape, PRESET_NAMES } from '../fabric/index.js';
import { parseSize } from './sizes.js';

const positiveInt = z.number().int().positive();
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/** A byte count: a whole number, or a string such as "64MiB", "1GB", "4096". */
const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) {
    ctx.addIssue({ code: 'custom', message: `expected a size in bytes such as 4096, "64MiB" or "1GB", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
});
const positiveSize = size.refine((b) => b > 0, 'must be greater than 0 bytes');

const leafSpine = z.strictObject({
  kind: z.literal('leaf-spine'),
  gpus: z.number().int().min(2),
  gpusPerLeaf: positiveInt.optional(),
  spines: positiveInt.optional(),
  oversubscription: positive.default(1),
  linkGbps: positive.default(400),
  linkDelayNs: nonNegative.default(500),
});

const topology = z
  .discriminatedUnion('kind', [leafSpine], { error: 'expected one of "leaf-spine"' })
  .transform((t, ctx) => {
    const resolved = { ...t, gpusPerLeaf: t.gpusPerLeaf ?? Math.min(t.gpus, 32) };
    try {
      leafSpineShape(resolved);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, fatal: true });
      return z.NEVER;
    }
    return resolved;
  });

const ecnOverrides = z.strictObject({
  enabled: z.boolean().optional(),
  kminBytes: size.optional(),
  kmaxBytes: size.optional(),
  pmax: z.number().min(0).max(1).optional(),
});
const pfcOverrides = z.strictObject({
  alpha: positive.optional(),
  resumeOffsetBytes: size.optional(),
});
const dcqcnOverrides = z.strictObject({
  cnpIntervalUs: nonNegative.optional(),
  g: z.number().gt(0).lt(1).optional(),
  alphaIntervalUs: positive.optional(),
  increaseIntervalUs: positive.optional(),
  byteCounterBytes: positiveSize.optional(),
  fastRecoverySteps: z.number().int().nonnegative().optional(),
  rateAiFraction: z.number().gt(0).max(1).optional(),
  rateHaiFraction: z.number().gt(0).max(1).optional(),
  minRateFraction: z.number().gt(0).max(1).optional(),
});
const telemetryOverrides = z.strictObject({
  eta: z.number().gt(0).max(1).optional(),
  maxStage: z.number().int().nonnegative().optional(),
  rateAiFraction: z.number().gt(0).max(1).optional(),
});

const fabricOverrides = z.strictObject({
  preset: z.enum(PRESET_NAMES as [string, ...string[]]),
  name: z.string().min(1).optional(),
  routing: z.enum(['ecmp', 'spray', 'adaptive', 'flowlet']).optional(),
  flowControl: z.enum(['none', 'pfc']).optional(),
  lossRecovery: z.enum(['go-back-n', 'selective', 'ooo']).optional(),
  cc: z.enum(['none', 'dcqcn', 'telemetry']).optional(),
  flowletGapUs: positive.optional(),
  ecn: ecnOverrides.optional(),
  pfc: pfcOverrides.optional(),
  dcqcn: dcqcnOverrides.optional(),
  telemetry: telemetryOverrides.optional(),
  mtuBytes: positiveSize.optional(),
  headerBytes: size.optional(),
  controlBytes: positiveSize.optional(),
  bufferBytesPerPort: positiveSize.optional(),
  windowBytes: positiveSize.optional(),
  rtoUs: positive.optional(),
  ackEveryPackets: positiveInt.optional(),
});
/** A fabric: a preset name, or a preset with overrides. */
const fabric = z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), fabricOverrides);

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
const workloads = z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(workloadSchema).min(1));

export const experimentSchema = z
  .strictObject({
    name: z.string().min(1),
    seed: z.number().int().nonnegative().default(1),
    topology,
    fabrics: z.array(fabric).min(1),
    workload: workloads,
    limits: z.strictObject({ maxTimeUs: positive.optional(), maxEvents: positiveInt.optional() }).default({}),
  })
  .superRefine((spec, ctx) => {
    const gpus = spec.topology.gpus;
    spec.workload.forEach((w, i) => {
      const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: ['workload', i, path], message });
      if (w.kind === 'allreduce' && w.ranks !== undefined && w.ranks > gpus) fail('ranks', `must be at most topology.gpus (${gpus})`);
      if (w.kind === 'incast') {
        if (w.senders >= gpus) fail('senders', `must be less than topology.gpus (${gpus})`);
        if (w.target >= gpus) fail('target', `must be a GPU index below topology.gpus (${gpus})`);
      }
    });
  });

export type ExperimentSpec = z.output<typeof experimentSchema>;
export type FabricSpec = z.output<typeof fabricOverrides>;
export type WorkloadSpec = ExperimentSpec['workload'][number];
