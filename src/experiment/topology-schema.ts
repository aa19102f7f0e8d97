import { z } from 'zod';
import { fatTreeMaxGpus, railLayout, shapeOf, type DragonflySpec, type FatTreeSpec, type LeafSpineSpec, type RailOptimizedSpec } from '../fabric/index.js';
import { scaleProblem } from './scale-limits.js';
import { delayNs, linkRateGbps, positive, positiveInt } from './schema-primitives.js';
import { readTopologyFile } from './topology-file.js';

const links = {
  linkGbps: linkRateGbps.default(400),
  linkDelayNs: delayNs.default(500),
};

const leafSpine = z.strictObject({
  kind: z.literal('leaf-spine'),
  gpus: z.number().int().min(2),
  gpusPerLeaf: positiveInt.optional(),
  spines: positiveInt.optional(),
  oversubscription: positive.default(1),
  ...links,
});

const fatTree = z.strictObject({
  kind: z.literal('fat-tree'),
  radix: z.number().int().min(2),
  /** Default: the full tree. */
  gpus: z.number().int().min(2).optional(),
  oversubscription: positive.default(1),
  spineOversubscription: positive.default(1),
  ...links,
});

const railOptimized = z.strictObject({
  kind: z.literal('rail-optimized'),
  gpus: z.number().int().min(2),
  gpusPerNode: z.number().int().min(2).default(8),
  radix: z.number().int().min(2),
  /** Default: two if the GPUs fit, else three. */
  tiers: z.union([z.literal(2), z.literal(3)], { error: 'expected 2 or 3' }).optional(),
  oversubscription: positive.default(1),
  spineOversubscription: positive.default(1),
  ...links,
  nvlinkGbps: linkRateGbps.default(3600),
  nvlinkDelayNs: delayNs.default(300),
  nvlinkModel: z.enum(['packet', 'message'], { error: 'expected "packet" or "message"' }).default('message'),
});

/** A dragonfly (Slingshot's defaults: 200 Gb/s everywhere); delays per hop class. */
const dragonfly = z.strictObject({
  kind: z.literal('dragonfly'),
  groups: z.number().int().min(1),
  routersPerGroup: positiveInt,
  hostsPerRouter: positiveInt,
  globalLinksPerRouter: z.number().int().nonnegative(),
  arrangement: z.enum(['consecutive', 'palmtree'], { error: 'expected "consecutive" or "palmtree"' }).default('consecutive'),
  /** Default: groups × routersPerGroup × hostsPerRouter. */
  gpus: z.number().int().min(2).optional(),
  gpusPerNode: positiveInt.default(4),
  linkGbps: linkRateGbps.default(200),
  localGbps: linkRateGbps.default(200),
  globalGbps: linkRateGbps.default(200),
  linkDelayNs: delayNs.default(100),
  localDelayNs: delayNs.default(300),
  globalDelayNs: delayNs.default(1000),
});

/** Any topology from a file (HPCC's topology.txt or fabsim's graph): a path relative to the spec's folder. */
const file = z.strictObject({ kind: z.literal('file'), path: z.string().min(1) });

type Parsed = z.output<typeof leafSpine> | z.output<typeof fatTree> | z.output<typeof railOptimized> | z.output<typeof dragonfly>;

/** Fills the defaults that depend on other fields (the shape itself is checked by shapeOf). */
function resolve(t: Parsed) {
  switch (t.kind) {
    case 'leaf-spine':
      return { ...t, gpusPerLeaf: t.gpusPerLeaf ?? Math.min(t.gpus, 32) } satisfies LeafSpineSpec;
    case 'fat-tree':
      return { ...t, gpus: t.gpus ?? fatTreeMaxGpus(t) } satisfies FatTreeSpec;
    case 'rail-optimized':
      return { ...t, tiers: t.tiers ?? (t.gpus <= railLayout(t, 2).maxGpus ? 2 : 3) } satisfies RailOptimizedSpec;
    case 'dragonfly':
      return { ...t, gpus: t.gpus ?? t.groups * t.routersPerGroup * t.hostsPerRouter } satisfies DragonflySpec;
  }
}

/**
 * Every topology kind a spec can name; each validated against its own shape rules by
 * computing its shape, which shapeOf keeps for the builder and the flow model.
 */
export const topologySchema = z
  .discriminatedUnion('kind', [leafSpine, fatTree, railOptimized, dragonfly, file], {
    error: 'expected one of "leaf-spine", "fat-tree", "rail-optimized", "dragonfly", "file"',
  })
  .transform((t, ctx) => {
    try {
      const resolved = t.kind === 'file' ? readTopologyFile(t.path) : resolve(t);
      // Before the shape: a shape of 10^11 GPUs would not finish being computed.
      const tooLarge = scaleProblem(resolved.gpus, false);
      if (tooLarge !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['gpus'], message: tooLarge, fatal: true });
        return z.NEVER;
      }
      shapeOf(resolved);
      return resolved;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, fatal: true });
      return z.NEVER;
    }
  });
