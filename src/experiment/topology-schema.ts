import { z } from 'zod';
import { leafSpineShape } from '../fabric/index.js';
import { nonNegative, positive, positiveInt } from './schema-primitives.js';

const leafSpine = z.strictObject({
  kind: z.literal('leaf-spine'),
  gpus: z.number().int().min(2),
  gpusPerLeaf: positiveInt.optional(),
  spines: positiveInt.optional(),
  oversubscription: positive.default(1),
  linkGbps: positive.default(400),
  linkDelayNs: nonNegative.default(500),
});

/** Every topology kind a spec can name; each validated against its own shape rules. */
export const topologySchema = z
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

