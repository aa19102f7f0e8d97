import type { NvlinkDomain } from './topology.js';

/** An HGX server's GPUs: the server size of a topology that does not say (hierarchical all-reduce's node). */
export const DEFAULT_GPUS_PER_NODE = 8;

/**
 * Equal-cost egress ports of a switch as one number: a range of its port numbers,
 * `first << 16 | count`, so routing a packet allocates nothing. Every topology so far
 * cables a switch's equal-cost ports side by side; a shape whose candidates are not
 * contiguous would number its ports so that they are.
 */
export type PortRange = number;
export const portRange = (first: number, count: number): PortRange => (first << 16) | count;
export const rangeFirst = (r: PortRange): number => r >>> 16;
export const rangeCount = (r: PortRange): number => r & 0xffff;
/** No way on from this switch (a destination it never sees). */
export const NO_PORTS: PortRange = 0;
/**
 * Candidates that are not side by side (a graph or dragonfly switch): the switch's
 * `portSets[id]`, encoded as a range of count 0 so routing still allocates nothing.
 */
export const portSet = (id: number): PortRange => (id + 1) << 16;

/** Where a switch sits: its tier (index into the shape's tier names) and its number within the tier. */
export interface SwitchPlace {
  readonly tier: number;
  readonly index: number;
}

/**
 * A switch as the shape lays it out: its name (which seeds its hash salt), how many ports
 * face down (hosts, or the tier below: numbered first) and up (the tier above: numbered
 * after), their rate, and its routing function.
 */
export interface SwitchLayout extends SwitchPlace {
  readonly name: string;
  readonly downPorts: number;
  readonly upPorts: number;
  readonly gbps: number;
  /**
   * The equal-cost egress ports towards host `dst`; the routing policy picks among them.
   * `via`: the packet's intermediate group on a dragonfly (non-minimal routing; −1 or
   * absent: minimal); other shapes ignore it.
   */
  readonly route: (dst: number, via?: number) => PortRange;
  /** Port rates when they differ (index = port number); else every port runs at `gbps`. */
  readonly portGbps?: readonly number[];
  /** Candidate port lists that `route` names with portSet(id), for candidates not side by side. */
  readonly portSets?: readonly (readonly number[])[];
}

/**
 * What a topology is, computed once from its spec (shapeOf caches it) and shared by
 * everything that needs it: the packet builder cables it, switches route by it, the flow
 * model indexes its links by it, closed-form costs read its hops. No switch or port objects.
 */
export interface TopologyShape {
  readonly gpus: number;
  /** Switch tiers, lowest first ("leaf", "spine", "core"), then "nvlink" for NVSwitches if any. */
  readonly tierNames: readonly string[];
  /** How many of `tierNames` are scale-out fabric tiers; the rest is the NVLink domain. */
  readonly fabricTiers: number;
  readonly linkGbps: number;
  readonly linkDelayPs: number;
  /** The servers' NVLink domain, or null when every pair talks over the fabric. */
  readonly nvlink: NvlinkDomain | null;
  /** GPUs per server: the NVLink domain's when modelled, else DEFAULT_GPUS_PER_NODE (only node grouping reads it then). */
  readonly gpusPerNode: number;
  /** Links on the longest GPU-to-GPU path. */
  readonly maxHops: number;
  /** Do `a` and `b` talk over their server's NVLink domain rather than the fabric? */
  sameNode(a: number, b: number): boolean;
  /** Links on the path between two hosts, NVLink included (routing is minimal, so this is exact). */
  hops(src: number, dst: number): number;
  /** Every switch, in the order the packet model numbers them (fabric tiers first, then NVSwitches). */
  switches(): SwitchLayout[];
  /**
   * Calls `cable` for every fabric link between two switches (by their switches() position
   * and port number), with its propagation delay when it is not `linkDelayPs`.
   */
  forEachCable(cable: (a: number, aPort: number, b: number, bPort: number, delayPs?: number) => void): void;
  /** GPU `h`'s NIC rate and cable delay when they differ per host (else linkGbps, linkDelayPs). */
  hostLink?(h: number): { readonly gbps: number; readonly delayPs: number };
  /** Where GPU `h`'s fabric port is cabled: its switch's switches() position, and the port there. */
  hostSwitch(h: number): number;
  hostSlot(h: number): number;
  /** Where GPU `h`'s NVLink port is cabled (an NVSwitch), when there is an NVLink domain. */
  nvSwitch(h: number): number;
  nvSlot(h: number): number;
}
