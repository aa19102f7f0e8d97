import { z } from 'zod';
import { flowModelSimulatesFailures, shapeOf } from '../fabric/index.js';
import { fabricOverrides, fabricSchema } from './fabric-schema.js';
import { failureIssues, failuresSchema } from './failures-schema.js';
import { fabricIssues } from './fabrics.js';
import { scaleProblem } from './scale-limits.js';
import { spreadSpecNccl } from './nccl-env.js';
import { positiveDurationUs, positiveInt } from './schema-primitives.js';
import { topologySchema } from './topology-schema.js';
import { workloadsSchema } from './workload-schema.js';

const experimentObject = z.strictObject({
  name: z.string().min(1),
  seed: z.number().int().nonnegative().default(1),
  topology: topologySchema,
  fabrics: z.array(fabricSchema).min(1),
  workload: workloadsSchema,
  /** Link and switch failures during the run (the flow model: on folded Clos topologies). */
  failures: failuresSchema,
  limits: z.strictObject({ maxTimeUs: positiveDurationUs.optional(), maxEvents: positiveInt.optional() }).default({}),
  /** For `fabsim sweep`: one field and its values (ignored by `fabsim run`). */
  sweep: z
    .strictObject({
      field: z.string().min(1),
      values: z.union([z.array(z.union([z.number(), z.string()])).min(1), z.string()]),
    })
    .optional(),
});

const checkedExperiment = experimentObject.superRefine((spec, ctx) => {
  try {
    crossFieldChecks(spec, ctx);
  } catch (error) {
    // Only input that already has an issue (a field that failed its own check, so it is
    // not what its type says) can make a cross-field rule throw: that issue comes first.
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A spec-level `nccl:` (NCCL's variables for every collective) is moved into the collectives first (nccl-env.ts). */
export const experimentSchema = z.preprocess((doc, ctx) => {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !('nccl' in doc)) return doc;
  const { doc: spread, issue } = spreadSpecNccl(doc as Record<string, unknown>);
  if (issue) ctx.issues.push({ code: 'custom', input: (doc as { nccl: unknown }).nccl, ...issue });
  return spread;
}, checkedExperiment);

type ParsedSpec = z.output<typeof experimentObject>;

/** Rules across fields: workloads against the topology, fabrics resolved on it. */
function crossFieldChecks(spec: ParsedSpec, ctx: z.core.$RefinementCtx<ParsedSpec>): void {
  const gpus = spec.topology.gpus;
  const tooLarge = scaleProblem(gpus, spec.fabrics.some((f) => f.model !== 'flow'));
  if (tooLarge !== undefined) return void ctx.addIssue({ code: 'custom', path: ['topology', 'gpus'], message: tooLarge });
  const nodeSize = shapeOf(spec.topology).gpusPerNode;
  spec.workload.forEach((w, i) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: ['workload', i, ...path], message });
    if (w.kind === 'incast') {
      if (w.senders >= gpus) fail(['senders'], `must be less than topology.gpus (${gpus})`);
      if (w.target >= gpus) fail(['target'], `must be a GPU index below topology.gpus (${gpus})`);
    } else if (w.kind === 'jobs') {
      const ranks = w.jobs.reduce((n, j) => n + j.ranks, 0);
      if (ranks > gpus) fail(['jobs'], `the jobs need ${ranks} GPUs in all, the topology has ${gpus}`);
      w.jobs.forEach((j, k) => j.collectives.forEach((c, m) => checkCollective(c, j.ranks, nodeSize, (f, msg) => fail(['jobs', k, 'collectives', m, f], msg))));
    } else if (w.kind === 'chakra') {
      if (w.ranks !== undefined && w.ranks > gpus) fail(['files'], `${w.ranks} rank traces, more than topology.gpus (${gpus})`);
    } else if (w.kind !== 'permutation' && w.kind !== 'matrix') {
      if (w.ranks !== undefined && w.ranks > gpus) fail(['ranks'], `must be at most topology.gpus (${gpus})`);
      checkCollective(w, w.ranks ?? gpus, nodeSize, (f, msg) => fail([f], msg));
    }
  });
  for (const { path, message } of fabricIssues(spec.topology, spec.fabrics)) ctx.addIssue({ code: 'custom', path, message });
  if (spec.failures.length === 0) return;
  const flowFabric = spec.fabrics.findIndex((f) => f.model === 'flow');
  if (flowFabric >= 0 && !flowModelSimulatesFailures(shapeOf(spec.topology)))
    ctx.addIssue({ code: 'custom', path: ['fabrics', flowFabric, 'model'], message: 'the flow model simulates failures on folded Clos topologies only; use model: packet for this topology' });
  for (const { path, message } of failureIssues(shapeOf(spec.topology), spec.failures)) ctx.addIssue({ code: 'custom', path, message });
}

/** Shape rules of collective algorithms, checked before anything runs. */
function checkCollective(
  c: { kind: string; algorithm?: string; gpusPerNode?: number; interNode?: string },
  ranks: number,
  nodeSize: number,
  fail: (field: string, message: string) => void,
) {
  if (c.kind !== 'allreduce') return;
  if (c.algorithm === 'halving-doubling' && !Number.isInteger(Math.log2(ranks))) fail('ranks', `halving-doubling needs a power of two, got ${ranks}`);
  const g = c.gpusPerNode ?? nodeSize;
  if (c.algorithm === 'hierarchical' && ranks % g !== 0) fail('ranks', `hierarchical needs whole nodes of gpusPerNode (${g}) GPUs, got ${ranks}`);
  if (c.interNode !== undefined && c.algorithm !== 'hierarchical') fail('interNode', `only hierarchical all-reduce has an inter-node phase, got algorithm ${c.algorithm}`);
}

export type ExperimentSpec = z.output<typeof experimentSchema>;
export type FabricSpec = z.output<typeof fabricOverrides>;
export type WorkloadSpec = ExperimentSpec['workload'][number];
