import { z } from 'zod';
import { PRESET_NAMES } from '../fabric/index.js';
import { nonNegative, positive, positiveInt, positiveSize, size } from './schema-primitives.js';

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

export const fabricOverrides = z.strictObject({
  preset: z.enum(PRESET_NAMES as [string, ...string[]]),
  name: z.string().min(1).optional(),
  /** packet (default): the packet-level simulator; flow: max-min fair fluid flows (no queues, PFC or CC). */
  model: z.enum(['packet', 'flow']).optional(),
  routing: z.enum(['ecmp', 'spray', 'adaptive', 'flowlet', 'adaptive-global']).optional(),
  flowControl: z.enum(['none', 'pfc']).optional(),
  lossRecovery: z.enum(['go-back-n', 'selective', 'ooo']).optional(),
  cc: z.enum(['none', 'dcqcn', 'telemetry']).optional(),
  flowletGapUs: positive.optional(),
  adaptiveGlobal: z
    .strictObject({ periodUs: positive.optional(), delayUs: nonNegative.optional(), mode: z.enum(['notify', 'least-sum']).optional(), thresholdBytes: size.optional() })
    .optional(),
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
export const fabricSchema = z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), fabricOverrides);

