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
