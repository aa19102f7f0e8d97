import { serializationPs } from '../../engine/index.js';
import type { FlowPath } from './paths.js';

/**
 * From a message's last byte leaving the sender to its arrival: every hop's propagation,
 * and the last frame store-and-forwarded at every hop after the first, each at its own rate.
 */
export function lastFrameArrivalPs(path: FlowPath, lastFrameBytes: number): number {
  const p = path.perHop;
  if (p === undefined) return path.hops * path.delayPs + (path.hops - 1) * serializationPs(lastFrameBytes, path.gbps);
  let ps = p.delaySumPs;
  for (let i = 1; i < p.hopGbps.length; i++) ps += serializationPs(lastFrameBytes, p.hopGbps[i]!);
  return ps;
}

/** One frame alone on the idle path: serialization and propagation on every hop. */
export function idleFramePs(path: FlowPath, frameBytes: number): number {
  const p = path.perHop;
  if (p === undefined) return path.hops * (serializationPs(frameBytes, path.gbps) + path.delayPs);
  let ps = p.delaySumPs;
  for (const gbps of p.hopGbps) ps += serializationPs(frameBytes, gbps);
  return ps;
}
