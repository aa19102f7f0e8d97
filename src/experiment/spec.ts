import { z } from 'zod';
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
