import { psFromNs, type Simulator } from '../../engine/index.js';
import { Link } from '../link.js';
import type { NetworkNode } from '../node.js';
import type { Nic } from '../nic.js';
import type { Port } from '../port.js';
import type { Switch } from '../switch.js';

/** A built network: NICs indexed by host number, switches by tier. */
export interface Topology {
  readonly nics: Nic[];
  readonly switches: Switch[];
  /** Names of the switch tiers, lowest first ("leaf", "spine", …). */
  readonly tierNames: string[];
  /** Per-GPU line rate. */
  readonly hostGbps: number;
  /** Links on the longest GPU-to-GPU path. */
  readonly maxHops: number;
  /** Links on the path between two hosts (routing is minimal, so this is exact). */
  hops(src: number, dst: number): number;
  /** Propagation delay of every link. */
  readonly linkDelayPs: number;
}

/** Plugs a full-duplex cable between two ports: a link in each direction. */
export function connect(sim: Simulator, a: Port, b: Port, delayNs: number): void {
  const delayPs = psFromNs(delayNs);
  a.link = new Link(sim, delayPs, b.owner as NetworkNode, b.index);
  b.link = new Link(sim, delayPs, a.owner as NetworkNode, a.index);
}
