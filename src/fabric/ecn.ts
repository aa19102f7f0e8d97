import type { Rng } from '../engine/index.js';
import type { EcnParams } from './config.js';

/**
 * RED-style marking probability on egress queue depth: 0 below Kmin, rising linearly to
 * Pmax at Kmax, 1 above Kmax (as DCQCN switches and the HPCC simulator do).
 */
export function ecnMarkProbability(queueBytes: number, p: EcnParams): number {
  if (queueBytes <= p.kminBytes) return 0;
  if (queueBytes > p.kmaxBytes) return 1;
  return (p.pmax * (queueBytes - p.kminBytes)) / (p.kmaxBytes - p.kminBytes);
}

export function shouldMarkEcn(queueBytes: number, p: EcnParams, rng: Rng): boolean {
  const probability = ecnMarkProbability(queueBytes, p);
  return probability > 0 && (probability >= 1 || rng.next() < probability);
}
