import type { Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { createRouting, routingOf, type RoutingPolicy, type RoutingSwitch } from '../routing/index.js';
import type { TopologyShape } from '../topology/shape.js';

/**
 * The fabric's routing policy with one instance per switch, each seeded from the switch's own
 * salt: a policy that draws random numbers (spray, adaptive's ties, a flowlet's new port,
 * Valiant's intermediate group) then draws from a stream no other switch touches, so a
 * switch's choices do not depend on which other switches ran before it, nor on which thread
 * they ran in. A choice at injection (Valiant, UGAL-L: RoutingPolicy.inject) is the source
 * switch's own, made with its own instance; UGAL-L reads that switch's queues only. Only
 * policies that read another switch's state (`attach`: adaptive-global's advertisements)
 * cannot be split so (threads-support.ts refuses them).
 */
export function perNodeRouting(config: FabricConfig, sim: Simulator, seed: number, shape: TopologyShape): RoutingPolicy {
  const probe = createRouting(config, sim, seed, shape);
  if (probe.attach) throw new Error(`routing ${config.routing}: reads other switches' state; it cannot run per node`);
  // Nothing to keep apart (ECMP: the packet's hash and the switch's salt): every switch shares one.
  if (routingOf(config).stateless === true) return probe;
  const own = (sw: RoutingSwitch): RoutingPolicy => (sw.ownRouting ??= createRouting(config, sim, sw.salt, shape));
  const choose = (candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port => own(sw).choose(candidates, packet, sw);
  return probe.inject ? { choose, inject: (packet: Packet, sw: RoutingSwitch) => own(sw).inject!(packet, sw) } : { choose };
}
