import { mix32 } from '../hash.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, type RoutingPolicy, type RoutingSwitch } from './routing-policy.js';

/**
 * Per-flow ECMP: the 5-tuple hash, salted per switch (so stages do not polarize), modulo the
 * number of equal-cost ports. Every packet of a flow takes the same path; flows collide.
 */
export class EcmpRouting implements RoutingPolicy {
  choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port {
    return candidates[mix32(packet.hash ^ sw.salt) % candidates.length]!;
  }
}

/** Per-flow ECMP: no parameters; the flow model routes each flow on its one hashed path. */
export const ecmp = defineRouting({
  name: 'ecmp',
  flowModel: 'one-path',
  overrides: () => ({}),
  defaults: {},
  create: () => new EcmpRouting(),
});
