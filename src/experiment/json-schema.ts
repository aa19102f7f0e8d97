import { z } from 'zod';
import { PRESET_NAMES } from '../fabric/index.js';
import { fabricSchema } from './fabric-schema.js';
import { NCCL_VARIABLES } from './nccl-env.js';
import { cdfPercentPoints, frameSize, MAX_FRAME_BYTES, MAX_SIZE_BYTES, mtuSize, positiveFrameSize, positiveSize, size } from './schema-primitives.js';
import { experimentSchema } from './spec.js';
import { workloadsSchema } from './workload-schema.js';

type Json = Record<string, unknown>;

/** A size as users write it: a byte count, or a string such as "64MiB" (sizes.ts). */
const sizeJson = (min: number, max: number): Json => ({
  anyOf: [
    { type: 'integer', minimum: min, maximum: max },
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*([KMGTP]i?B|B)?\\s*$' },
  ],
  description: `bytes (${min} to ${max}), or a size such as "64MiB" or "1GB"`,
});

const SIZES = new Map<unknown, Json>([
  [size, sizeJson(0, MAX_SIZE_BYTES)],
  [positiveSize, sizeJson(1, MAX_SIZE_BYTES)],
  [frameSize, sizeJson(0, MAX_FRAME_BYTES)],
  [positiveFrameSize, sizeJson(1, MAX_FRAME_BYTES)],
  [mtuSize, sizeJson(256, MAX_FRAME_BYTES)],
]);

const COLLECTIVE_KINDS = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);

/** `nccl:` on a collective (nccl-env.ts): NCCL's variable names, as numbers or strings as in an environment. */
const ncclJson: Json = {
  type: 'object',
  description: "NCCL's environment variables, as aliases of the collective's knobs",
  properties: Object.fromEntries(NCCL_VARIABLES.map((v) => [v, { type: ['string', 'integer'] }])),
  additionalProperties: false,
};

/**
 * The JSON Schema (draft 2020-12) of what users write in a spec, from the zod schema's input
 * side. What zod cannot say in JSON Schema is patched in: sizes (a transform of any input),
 * the shorthands its preprocessors accept (a fabric as a preset name, one workload without a
 * list, `nccl:` on collectives) and `background.sizes: { file }` (read before validation).
 * Cross-field rules (a workload against the topology) stay in fabsim's own checks.
 */
export function specJsonSchema(): Json {
  return z.toJSONSchema(experimentSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const js = jsonSchema as Json;
      const replace = (next: Json) => {
        for (const key of Object.keys(js)) delete js[key];
        Object.assign(js, next);
      };
      const sizeSchema = SIZES.get(zodSchema);
      if (sizeSchema) replace({ ...sizeSchema });
      else if (zodSchema === fabricSchema) replace({ anyOf: [{ type: 'string', enum: [...PRESET_NAMES] }, { ...js }] });
      else if (zodSchema === workloadsSchema) replace({ anyOf: [{ ...(js.items as Json) }, { ...js }] });
      else if (zodSchema === cdfPercentPoints)
        replace({ anyOf: [{ ...js }, { type: 'object', properties: { file: { type: 'string', minLength: 1 } }, required: ['file'], additionalProperties: false }] });
      const props = js.properties as Record<string, Json> | undefined;
      if (js.type === 'object' && props && COLLECTIVE_KINDS.has(String(props.kind?.const))) props.nccl = ncclJson;
      // The spec itself: `nccl:` for every collective (moved into them before validation).
      if (js.type === 'object' && props && props.workload && props.topology) props.nccl = ncclJson;
    },
  }) as Json;
}
