import { rngStream, type Rng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, nthRoutable, routable, type RoutingPolicy } from './routing-policy.js';

/** Random packet spraying: each packet picks a uniformly random equal-cost port (seeded). */
export class SprayRouting implements RoutingPolicy {
  constructor(private readonly rng: Rng) {}

  choose(candidates: readonly Port[], packet: Packet): Port {
    const port = candidates[this.rng.int(candidates.length)]!;
    if (routable(port, packet.dstHost, true)) return port;
    // A dead port is skipped at once: a uniform choice among the live ones.
    return nthRoutable(candidates, packet.dstHost, true, (n) => this.rng.int(n)) ?? port;
  }
}

export const spray = defineRouting({
  name: 'spray',
  flowModel: 'even-split',
  seesDeadPortsAtOnce: true,
  overrides: () => ({}),
  defaults: {},
  create: ({ seed }) => new SprayRouting(rngStream(seed, 'routing/spray')),
});
