import { rngStream, type Rng } from '../../engine/index.js';
import type { DragonflyShape } from '../topology/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { dragonflyOf, randomCandidate, randomIntermediate } from './dragonfly-groups.js';
import { defineRouting, type RoutingPolicy } from './routing-policy.js';

/**
 * Valiant routing on a dragonfly (Kim et al. ISCA 2008, after Valiant 1982): every packet
 * leaving its source group is sent minimally to a uniformly random intermediate group
 * first, then minimally on. Twice the global hops: at most half the global bandwidth on
 * uniform traffic, but any pattern is spread as uniform traffic is.
 */
export class ValiantRouting implements RoutingPolicy {
  constructor(
    private readonly shape: DragonflyShape,
    private readonly rng: Rng,
  ) {}

  inject(packet: Packet): void {
    packet.via = randomIntermediate(this.shape, packet, this.rng);
  }

  choose(candidates: readonly Port[], packet: Packet): Port {
    return randomCandidate(candidates, packet, this.rng);
  }
}

export const valiant = defineRouting({
  name: 'valiant',
  flowModel: 'even-split',
  topologies: ['dragonfly'],
  overrides: () => ({}),
  defaults: {},
  create: ({ seed, shape }) => new ValiantRouting(dragonflyOf(shape, 'valiant'), rngStream(seed, 'routing/valiant')),
});
