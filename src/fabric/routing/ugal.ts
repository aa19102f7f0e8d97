import { z } from 'zod';
import { rngStream, type AleaRng } from '../../engine/index.js';
import { MINIMAL, type DragonflyShape } from '../topology/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { leastLoaded } from './adaptive.js';
import { dragonflyOf, randomIntermediate } from './dragonfly-groups.js';
import { defineRouting, type RoutingPolicy, type RoutingSwitch } from './routing-policy.js';

/** Data bytes queued on the least-loaded of `ports` (what the switch would send on). */
function leastQueued(ports: readonly Port[]): number {
  let least = Infinity;
  for (let i = 0; i < ports.length; i++) least = Math.min(least, ports[i]!.dataQueuedBytes);
  return ports.length === 0 ? Infinity : least;
}

/**
 * UGAL-L (Singh 2005; on the dragonfly, Kim et al. ISCA 2008): where a packet enters the
 * fabric, its source router draws a random intermediate group and compares its own egress
 * queues: minimal unless queue(minimal) × hops(minimal) > queue(non-minimal) ×
 * hops(non-minimal) + threshold, hops counting every link of each path. Local information
 * only (the "-L"), decided per packet; at every hop the least-loaded candidate is taken.
 */
export class UgalRouting implements RoutingPolicy {
  constructor(
    private readonly shape: DragonflyShape,
    private readonly rng: AleaRng,
    private readonly thresholdBytes: number,
  ) {}

  inject(packet: Packet, sw: RoutingSwitch): void {
    const via = randomIntermediate(this.shape, packet, this.rng);
    packet.via = MINIMAL;
    if (via === MINIMAL) return;
    const { shape } = this;
    const src = shape.routerOf(packet.srcHost);
    const dst = shape.routerOf(packet.dstHost);
    const minimalCost = leastQueued(sw.candidatesFor(packet.dstHost, MINIMAL)) * (2 + shape.routerHops(src, dst, MINIMAL));
    const detourCost = leastQueued(sw.candidatesFor(packet.dstHost, via)) * (2 + shape.routerHops(src, dst, via));
    if (minimalCost > detourCost + this.thresholdBytes) packet.via = via;
  }

  choose(candidates: readonly Port[], packet: Packet): Port {
    return leastLoaded(candidates, this.rng, packet.dstHost, true);
  }
}

/** ugal routing: the threshold (bytes × hops) a detour must win by. */
export interface UgalParams {
  thresholdBytes: number;
}

export const ugal = defineRouting<'ugal', { ugal: UgalParams }>({
  name: 'ugal',
  flowModel: 'even-split',
  topologies: ['dragonfly'],
  overrides: (checked) => ({ ugal: z.strictObject({ thresholdBytes: checked.size.optional() }).optional() }),
  // Kim et al. and Singh compare the products without an offset.
  defaults: { ugal: { thresholdBytes: 0 } },
  create: ({ config: { ugal: p }, seed, shape }) => new UgalRouting(dragonflyOf(shape, 'ugal'), rngStream(seed, 'routing/ugal'), p.thresholdBytes),
});
