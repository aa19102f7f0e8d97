import { z } from 'zod';
import { PRESET_NAMES } from '../fabric/index.js';
import { frameSize, intervalUs, mtuSize, positive, positiveFrameSize, positiveInt, positiveSize, retransmitTimeoutUs, size, timerUs } from './schema-primitives.js';

const ecnOverrides = z.strictObject({
  enabled: z.boolean().optional(),
  kminBytes: size.optional(),
  kmaxBytes: size.optional(),
  pmax: z.number().min(0).max(1).optional(),
});
const pfcOverrides = z.strictObject({
  alpha: positive.optional(),
  resumeOffsetBytes: size.optional(),
  /** Static per-ingress thresholds (htsim's RoCE) instead of alpha's dynamic one. */
  xoffBytes: positiveSize.optional(),
  xonBytes: size.optional(),
}).refine((p) => p.xonBytes === undefined || p.xoffBytes === undefined || p.xonBytes <= p.xoffBytes, {
  message: 'xonBytes must not exceed xoffBytes',
  path: ['xonBytes'],
});
const dcqcnOverrides = z.strictObject({
  cnpIntervalUs: intervalUs.optional(),
  g: z.number().gt(0).lt(1).optional(),
  alphaIntervalUs: timerUs.optional(),
  increaseIntervalUs: timerUs.optional(),
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
  smoothing: z.enum(['after-max', 'per-hop']).optional(),
  window: z.enum(['variable', 'fixed']).optional(),
  intHeaderBytes: size.optional(),
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
  flowletGapUs: timerUs.optional(),
  adaptiveGlobal: z
    .strictObject({ periodUs: timerUs.optional(), delayUs: intervalUs.optional(), mode: z.enum(['notify', 'least-sum']).optional(), thresholdBytes: size.optional() })
    .optional(),
  ecn: ecnOverrides.optional(),
  pfc: pfcOverrides.optional(),
  dcqcn: dcqcnOverrides.optional(),
  telemetry: telemetryOverrides.optional(),
  mtuBytes: mtuSize.optional(),
  headerBytes: frameSize.optional(),
  controlBytes: positiveFrameSize.optional(),
  bufferBytesPerPort: positiveSize.optional(),
  windowBytes: positiveSize.optional(),
  rtoUs: retransmitTimeoutUs.optional(),
  ackEveryPackets: positiveInt.optional(),
});
/** A fabric: a preset name, or a preset with overrides. */
export const fabricSchema = z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), fabricOverrides);

