import type { Simulator } from '../../engine/index.js';
import type { BaseFabricConfig } from '../config.js';
import type { Mechanism } from '../mechanism.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import type { TopologyShape } from '../topology/shape.js';

/** What a policy may know about the switch deciding (and about its neighbours). */
export interface RoutingSwitch {
  /** Per-switch hash salt, derived from the experiment seed. */
  readonly salt: number;
  /** The equal-cost egress ports towards host `dst` (through group `via` first, on a dragonfly). */
  candidatesFor(dst: number, via?: number): readonly Port[];
  /** The switch's own instance of a per-node policy (partition/per-node-routing.ts), made on first use. */
  ownRouting?: RoutingPolicy;
}

/** Picks one egress port among equal-cost candidates (always ≥ 2 of them). */
export interface RoutingPolicy {
  choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port;
  /**
   * Called where a packet enters the fabric (at its first switch, from a host port) before
   * it is routed: a non-minimal policy picks its intermediate group (packet.via) here.
   */
  inject?(packet: Packet, sw: RoutingSwitch): void;
  /** Called once the fabric's switches are built and their ports numbered (a policy that reads other switches' state). */
  attach?(switches: readonly (RoutingSwitch & { readonly ports: readonly Port[] })[]): void;
}

/** What a routing factory gets: the config (its own fields among them), the clock, the experiment seed. */
export interface RoutingBuild<P extends object> {
  readonly config: BaseFabricConfig & P;
  readonly sim: Simulator;
  readonly seed: number;
  /** The topology routed over (non-minimal dragonfly routing reads its groups). */
  readonly shape?: TopologyShape;
}

/**
 * A routing module. `flowModel` is what it needs from the flow model, which has no queues:
 * `one-path` routes a flow on the one path the packet model's switches hash it onto (the
 * same hash, salts and candidate order, so the same flows collide); `even-split` spreads
 * it evenly over every equal-cost path (what spraying achieves on average, the balance
 * adaptive routing aims for).
 */
export interface RoutingMechanism<N extends string, P extends object> extends Mechanism<N, P, RoutingBuild<P>, RoutingPolicy> {
  readonly flowModel: FlowPaths;
  /** Skips a dead local port at once (reads port state: `routable(…, true)`); else only once routing reconverges. The flow model's failures read it. */
  readonly seesDeadPortsAtOnce?: boolean;
  /**
   * Its policy keeps no state and draws no random numbers (what it picks depends on the packet
   * and the switch only), so under `--threads` one instance serves every switch instead of one
   * per switch (partition/per-node-routing.ts): one object fewer to touch per hop.
   */
  readonly stateless?: boolean;
  /** The topology kinds it makes sense on (absent: every kind); a spec naming it elsewhere is refused. */
  readonly topologies?: readonly string[];
}

/** How the flow model routes a flow under a routing module (see RoutingMechanism). */
export type FlowPaths = 'one-path' | 'even-split';

/** Declares a routing module (infers its name and parameter fields). */
export const defineRouting = <N extends string, P extends object = Record<never, never>>(m: RoutingMechanism<N, P>): RoutingMechanism<N, P> => m;

/** How far down a chain of switches routing looks for a failure already routed around (leaf→spine→core→spine→leaf). */
const MAX_ONWARD_HOPS = 4;

/**
 * May a packet to `dst` leave by `port`? `immediate`: the policy sees a local link failure
 * at once (adaptive routing reads port state); otherwise only once routing has reconverged
 * (`routeDown`, ECMP's next-hop groups). A failure further on is known only through the
 * routing protocol, so after reconvergence (`checkOnward`) the next switch must still have
 * a way on. Without failures this is two flag reads.
 */
export function routable(port: Port, dst: number, immediate: boolean): boolean {
  if (immediate ? port.down : port.routeDown) return false;
  return !port.checkOnward || reachesOnward(port, dst, 1);
}

function reachesOnward(port: Port, dst: number, hops: number): boolean {
  const next = port.link.to as Partial<RoutingSwitch>;
  if (hops > MAX_ONWARD_HOPS || typeof next.candidatesFor !== 'function') return true;
  const onward = next.candidatesFor(dst);
  for (let i = 0; i < onward.length; i++) {
    const p = onward[i]!;
    if (!p.routeDown && (!p.checkOnward || reachesOnward(p, dst, hops + 1))) return true;
  }
  return false;
}

/** The k-th routable candidate (k below their count), or null if none is: a choice among the survivors that allocates nothing. */
export function nthRoutable(candidates: readonly Port[], dst: number, immediate: boolean, pick: (count: number) => number): Port | null {
  let count = 0;
  for (let i = 0; i < candidates.length; i++) if (routable(candidates[i]!, dst, immediate)) count++;
  if (count === 0) return null;
  let k = pick(count);
  for (let i = 0; i < candidates.length; i++) if (routable(candidates[i]!, dst, immediate) && k-- === 0) return candidates[i]!;
  return null;
}
