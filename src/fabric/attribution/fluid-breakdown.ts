import { serializationPs } from '../../engine/index.js';
import type { CriticalPath } from './critical-path.js';
import { Part } from './parts.js';

/**
 * The flow model's breakdown of one message, into `path.scratch`: what a fluid model knows.
 * Propagation is the path's cables; serialization is the message's wire bytes at line rate
 * plus the last frame store-and-forwarded on the hops after the first; the rest of its
 * time — sending at its max-min share below line rate, or behind the flow's earlier
 * messages — is Throttled ("sharing"). No queues, PFC or loss exist in this model. NVLink
 * messages are NVLink time whole.
 */
export function fluidMessageBreakdown(
  path: CriticalPath,
  totalPs: number,
  wireBytes: number,
  lastFrameBytes: number,
  hops: number,
  gbps: number,
  delayPs: number,
  nvlink: boolean,
): void {
  const parts = path.resetScratch();
  if (nvlink) {
    parts[Part.Nvlink] = totalPs;
    return;
  }
  const propagation = Math.min(totalPs, hops * delayPs);
  const serialization = Math.min(totalPs - propagation, serializationPs(wireBytes, gbps) + (hops - 1) * serializationPs(lastFrameBytes, gbps));
  parts[Part.Propagation] = propagation;
  parts[Part.Serialization] = serialization;
  parts[Part.Throttled] = totalPs - propagation - serialization;
}
