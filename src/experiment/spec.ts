import { z } from 'zod';
import { DEFAULT_GPUS_PER_NODE } from './create-workload.js';
import { fabricOverrides, fabricSchema } from './fabric-schema.js';
import { positive, positiveInt } from './schema-primitives.js';
import { topologySchema } from './topology-schema.js';
import { workloadsSchema } from './workload-schema.js';

export const experimentSchema = z
  .strictObject({
    name: z.string().min(1),
    seed: z.number().int().nonnegative().default(1),
    topology: topologySchema,
    fabrics: z.array(fabricSchema).min(1),
    workload: workloadsSchema,
    limits: z.strictObject({ maxTimeUs: positive.optional(), maxEvents: positiveInt.optional() }).default({}),
    /** For `fabsim sweep`: one field and its values (ignored by `fabsim run`). */
    sweep: z
      .strictObject({
        field: z.string().min(1),
        values: z.union([z.array(z.union([z.number(), z.string()])).min(1), z.string()]),
      })
      .optional(),
  })
  .superRefine((spec, ctx) => {
    const gpus = spec.topology.gpus;
    spec.workload.forEach((w, i) => {
      const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: ['workload', i, path], message });
      if ('ranks' in w && w.ranks !== undefined && w.ranks > gpus) fail('ranks', `must be at most topology.gpus (${gpus})`);
      if (w.kind === 'allreduce' && w.algorithm === 'halving-doubling') {
        const n = w.ranks ?? gpus;
        if (!Number.isInteger(Math.log2(n))) fail('ranks', `halving-doubling needs a power of two, got ${n}`);
      }
      if (w.kind === 'allreduce' && w.algorithm === 'hierarchical') {
        const n = w.ranks ?? gpus;
        const g = w.gpusPerNode ?? DEFAULT_GPUS_PER_NODE;
        if (n % g !== 0) fail('ranks', `hierarchical needs whole nodes of gpusPerNode (${g}) GPUs, got ${n}`);
      }
      if (w.kind === 'incast') {
        if (w.senders >= gpus) fail('senders', `must be less than topology.gpus (${gpus})`);
        if (w.target >= gpus) fail('target', `must be a GPU index below topology.gpus (${gpus})`);
      }
    });
  });

export type ExperimentSpec = z.output<typeof experimentSchema>;
export type FabricSpec = z.output<typeof fabricOverrides>;
export type WorkloadSpec = ExperimentSpec['workload'][number];
