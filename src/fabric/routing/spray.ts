import { rngStream, type Rng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, type RoutingPolicy } from './routing-policy.js';

/** Random packet spraying: each packet picks a uniformly random equal-cost port (seeded). */
export class SprayRouting implements RoutingPolicy {
  constructor(private readonly rng: Rng) {}

  choose(candidates: readonly Port[], _packet: Packet): Port {
    return candidates[this.rng.int(candidates.length)]!;
  }
}

export const spray = defineRouting({
  name: 'spray',
  flowModel: 'even-split',
  overrides: () => ({}),
  defaults: {},
  create: ({ seed }) => new SprayRouting(rngStream(seed, 'routing/spray')),
});
