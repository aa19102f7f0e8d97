import { z } from 'zod';
import { MECHANISM_NAMES, mechanismOverrides, PRESET_NAMES } from '../fabric/index.js';
import { delayNs, frameSize, intervalUs, mtuSize, positive, positiveFrameSize, positiveInt, positiveSize, retransmitTimeoutUs, size, timerUs } from './schema-primitives.js';

const ecnOverrides = z.strictObject({
  enabled: z.boolean().optional(),
  kminBytes: size.optional(),
  kmaxBytes: size.optional(),
  pmax: z.number().min(0).max(1).optional(),
});

/** Every mechanism's parameter fields, checked with the ranges and errors every other field has. */
const MECHANISM_OVERRIDES = mechanismOverrides({ positive, size, positiveSize, timerUs, intervalUs });

export const fabricOverrides = z.strictObject({
  preset: z.enum(PRESET_NAMES as [string, ...string[]]),
  name: z.string().min(1).optional(),
  /** packet (default): the packet-level simulator; flow: max-min fair fluid flows (no queues, PFC or CC). */
  model: z.enum(['packet', 'flow']).optional(),
  // Mechanisms and their parameter fields come from the registry (fabric/mechanisms.ts).
  routing: z.enum(MECHANISM_NAMES.routing).optional(),
  flowControl: z.enum(MECHANISM_NAMES.flowControl).optional(),
  lossRecovery: z.enum(MECHANISM_NAMES.lossRecovery).optional(),
  cc: z.enum(MECHANISM_NAMES.cc).optional(),
  ...MECHANISM_OVERRIDES.routing,
  ecn: ecnOverrides.optional(),
  ...MECHANISM_OVERRIDES.flowControl,
  ...MECHANISM_OVERRIDES.cc,
  ...MECHANISM_OVERRIDES.lossRecovery,
  mtuBytes: mtuSize.optional(),
  headerBytes: frameSize.optional(),
  controlBytes: positiveFrameSize.optional(),
  bufferBytesPerPort: positiveSize.optional(),
  windowBytes: positiveSize.optional(),
  rtoUs: retransmitTimeoutUs.optional(),
  ackEveryPackets: positiveInt.optional(),
  /** After a link or switch failure, ECMP-family routing excludes the dead next hop this much later (default 10 ms: failures.ts). */
  routingReconvergeUs: timerUs.optional(),
  /** Per-message NIC/software overhead (fabric/config.ts), default 0; what `fabsim calibrate` fits. */
  nicOverheadNs: delayNs.optional(),
});
/** A fabric: a preset name, or a preset with overrides. */
export const fabricSchema = z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), fabricOverrides);

