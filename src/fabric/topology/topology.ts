import { psFromNs, serializationPs, type Simulator } from '../../engine/index.js';
import { Link } from '../link.js';
import type { Nic } from '../nic.js';
import type { PacketPool } from '../packet.js';
import type { Port } from '../port.js';
import type { Switch } from '../switch.js';
import type { TopologyShape } from './shape.js';

/** A server's scale-up domain (NVLink through an NVSwitch): its own rate and per-hop latency. */
export interface NvlinkDomain {
  /** Consecutive GPUs per server: GPU h sits in server ⌊h / gpusPerNode⌋ as its GPU h mod gpusPerNode. */
  readonly gpusPerNode: number;
  /** Per GPU, per direction. */
  readonly gbps: number;
  /** Per hop (GPU → NVSwitch, NVSwitch → GPU). */
  readonly delayPs: number;
}

/** The NIC port a flow between two GPUs of one server leaves by (port 0 is the fabric's). */
export const NVLINK_PORT = 1;

/**
 * A built network: NICs indexed by host number, switches by tier.
 *
 * Tiers: a switch's `tier` indexes `tierNames`. Fabric tiers come first (0 leaf, 1 spine,
 * 2 core), `fabricTiers` of them. A topology with an NVLink domain adds one more tier,
 * named 'nvlink', at index `fabricTiers`: one NVSwitch per server, listed in `switches`
 * after every fabric switch (so counters summed over all switch ports include NVLink
 * queues). Per-fabric-tier code must skip `sw.tier >= fabricTiers`.
 */
export interface Topology {
  /** What the topology is, without switch or port objects: shared with the flow model and closed-form costs. */
  readonly shape: TopologyShape;
  readonly nics: Nic[];
  readonly switches: Switch[];
  /** Names of the switch tiers, lowest first ("leaf", "spine", "core", then "nvlink" if any). */
  readonly tierNames: string[];
  /** How many of `tierNames` are scale-out fabric tiers; the rest is the NVLink domain. */
  readonly fabricTiers: number;
  /** Per-GPU line rate of the scale-out fabric. */
  readonly hostGbps: number;
  /** Links on the longest GPU-to-GPU path. */
  readonly maxHops: number;
  /** Links on the path between two hosts, NVLink included (routing is minimal, so this is exact). */
  hops(src: number, dst: number): number;
  /** Propagation delay of every fabric link. */
  readonly linkDelayPs: number;
  /** The servers' NVLink domain, or null when every pair talks over the fabric. */
  readonly nvlink: NvlinkDomain | null;
}

/** Do `src` and `dst` talk over their server's NVLink domain rather than the fabric? */
export function sameNode(t: Topology, src: number, dst: number): boolean {
  return t.shape.sameNode(src, dst);
}

/** Rate and per-hop propagation of the links between two hosts (all links of a path are alike). */
export function pathLinks(t: Topology, src: number, dst: number): { gbps: number; delayPs: number } {
  return sameNode(t, src, dst) ? t.nvlink! : { gbps: t.hostGbps, delayPs: t.linkDelayPs };
}

/**
 * Unloaded one-way time of one frame of `frameBytes` from `src` starting to send to its
 * arrival at `dst`: store-and-forward, so serialization plus propagation on every hop.
 */
export function unloadedPathPs(t: Topology, src: number, dst: number, frameBytes: number): number {
  const { gbps, delayPs } = pathLinks(t, src, dst);
  return t.hops(src, dst) * (serializationPs(frameBytes, gbps) + delayPs);
}

/** Plugs a full-duplex cable between two ports: a link in each direction. */
export function connect(sim: Simulator, a: Port, b: Port, delayNs: number, pool: PacketPool | null = null): void {
  cable(sim, a, b, psFromNs(delayNs), pool);
}

/** connect, with the propagation delay in picoseconds; consumed PFC frames go back to `pool`. */
export function cable(sim: Simulator, a: Port, b: Port, delayPs: number, pool: PacketPool | null = null): void {
  a.link = new Link(sim, delayPs, b, pool);
  b.link = new Link(sim, delayPs, a, pool);
}
