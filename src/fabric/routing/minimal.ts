import { rngStream, type Rng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { randomCandidate } from './dragonfly-groups.js';
import { defineRouting, type RoutingPolicy } from './routing-policy.js';

/**
 * Minimal routing (on a dragonfly: local, global, local): the shape's minimal candidates
 * only; where a pair of groups has several global links, each packet takes one of them
 * uniformly at random (the flow model splits a flow evenly over them: the same loads).
 */
export class MinimalRouting implements RoutingPolicy {
  constructor(private readonly rng: Rng) {}

  choose(candidates: readonly Port[], packet: Packet): Port {
    return randomCandidate(candidates, packet, this.rng);
  }
}

export const minimal = defineRouting({
  name: 'minimal',
  flowModel: 'even-split',
  overrides: () => ({}),
  defaults: {},
  create: ({ seed }) => new MinimalRouting(rngStream(seed, 'routing/minimal')),
});
