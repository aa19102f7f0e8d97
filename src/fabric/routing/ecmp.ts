import { mix32 } from '../hash.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, nthRoutable, routable, type RoutingPolicy, type RoutingSwitch } from './routing-policy.js';

/**
 * Per-flow ECMP: the 5-tuple hash, salted per switch (so stages do not polarize), modulo the
 * number of equal-cost ports. Every packet of a flow takes the same path; flows collide.
 * A failed next hop keeps its flows until routing reconverges (routingReconvergeUs).
 */
export class EcmpRouting implements RoutingPolicy {
  choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port {
    const h = mix32(packet.hash ^ sw.salt);
    const port = candidates[h % candidates.length]!;
    if (routable(port, packet.dstHost, false)) return port;
    // Reconverged around a failure: only the flows hashed onto the dead next hop move (resilient hashing).
    return nthRoutable(candidates, packet.dstHost, false, (n) => h % n) ?? port;
  }
}

/** Per-flow ECMP: no parameters; the flow model routes each flow on its one hashed path. */
export const ecmp = defineRouting({
  name: 'ecmp',
  flowModel: 'one-path',
  stateless: true,
  overrides: () => ({}),
  defaults: {},
  create: () => new EcmpRouting(),
});
