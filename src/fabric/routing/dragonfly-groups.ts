import type { Rng } from '../../engine/index.js';
import { DragonflyShape, MINIMAL, type TopologyShape } from '../topology/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { nthRoutable } from './routing-policy.js';

/** The dragonfly a non-minimal routing module runs on (specs are refused before this on any other topology). */
export function dragonflyOf(shape: TopologyShape | undefined, routing: string): DragonflyShape {
  if (shape instanceof DragonflyShape) return shape;
  throw new Error(`routing ${routing}: needs a dragonfly topology`);
}

/**
 * Valiant's intermediate group for a packet entering the fabric: uniformly one of the
 * groups other than its source's and destination's (MINIMAL within a group, or with no
 * third group).
 */
export function randomIntermediate(shape: DragonflyShape, packet: Packet, rng: Rng): number {
  const gs = shape.groupOf(shape.routerOf(packet.srcHost));
  const gd = shape.groupOf(shape.routerOf(packet.dstHost));
  if (gs === gd || shape.groups < 3) return MINIMAL;
  // The k-th group skipping gs and gd.
  let g = rng.int(shape.groups - 2);
  const lo = Math.min(gs, gd);
  const hi = Math.max(gs, gd);
  if (g >= lo) g++;
  if (g >= hi) g++;
  return g;
}

/** Oblivious choice among equal candidates: uniformly at random per packet, live ports only. */
export function randomCandidate(candidates: readonly Port[], packet: Packet, rng: Rng): Port {
  return nthRoutable(candidates, packet.dstHost, true, (n) => rng.int(n)) ?? candidates[0]!;
}
