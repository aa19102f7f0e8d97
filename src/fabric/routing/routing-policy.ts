import type { Simulator } from '../../engine/index.js';
import type { BaseFabricConfig } from '../config.js';
import type { Mechanism } from '../mechanism.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';

/** What a policy may know about the switch deciding (and about its neighbours). */
export interface RoutingSwitch {
  /** Per-switch hash salt, derived from the experiment seed. */
  readonly salt: number;
  /** The equal-cost egress ports towards host `dst`. */
  candidatesFor(dst: number): readonly Port[];
}

/** Picks one egress port among equal-cost candidates (always ≥ 2 of them). */
export interface RoutingPolicy {
  choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port;
  /** Called once the fabric's switches are built and their ports numbered (a policy that reads other switches' state). */
  attach?(switches: readonly (RoutingSwitch & { readonly ports: readonly Port[] })[]): void;
}

/** What a routing factory gets: the config (its own fields among them), the clock, the experiment seed. */
export interface RoutingBuild<P extends object> {
  readonly config: BaseFabricConfig & P;
  readonly sim: Simulator;
  readonly seed: number;
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
}

/** How the flow model routes a flow under a routing module (see RoutingMechanism). */
export type FlowPaths = 'one-path' | 'even-split';

/** Declares a routing module (infers its name and parameter fields). */
export const defineRouting = <N extends string, P extends object = Record<never, never>>(m: RoutingMechanism<N, P>): RoutingMechanism<N, P> => m;
