import type { Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { createRouting, routingOf, type RoutingPolicy, type RoutingSwitch } from '../routing/index.js';
import type { TopologyShape } from '../topology/shape.js';

/**
 * The fabric's routing policy with one instance per switch, each seeded from the switch's own
 * salt: a policy that draws random numbers (spray, adaptive's ties) then draws from a stream
 * no other switch touches, so a switch's choices do not depend on which other switches ran
 * before it, nor on which thread they ran in. Only policies that read no other switch's
 * state and choose no path at injection can be split so (threads-support.ts refuses others).
 */
export function perNodeRouting(config: FabricConfig, sim: Simulator, seed: number, shape: TopologyShape): RoutingPolicy {
  const probe = createRouting(config, sim, seed, shape);
  if (probe.inject || probe.attach) throw new Error(`routing ${config.routing}: reads other switches' state or picks paths at injection; it cannot run per node`);
  // Nothing to keep apart (ECMP: the packet's hash and the switch's salt): every switch shares one.
  if (routingOf(config).stateless === true) return probe;
  return {
    choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port {
      let policy = sw.ownRouting;
      if (policy === undefined) sw.ownRouting = policy = createRouting(config, sim, sw.salt, shape);
      return policy.choose(candidates, packet, sw);
    },
  };
}
