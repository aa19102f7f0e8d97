import { checkGraph, type TopologyGraph } from './graph.js';
import { graphPorts, graphTierName, type GraphPorts } from './graph-ports.js';
import { graphRoutes, type GraphRoutes } from './graph-routes.js';
import { DEFAULT_GPUS_PER_NODE, portRange, type SwitchLayout, type TopologyShape } from './shape.js';

/**
 * Any topology given as a graph (a file): switches route over all shortest paths to the
 * destination's leaf (graph-routes.ts), tiers by distance from the hosts, every link at its
 * own rate and delay. No NVLink domain. Switch positions follow the file's switch order.
 */
export class GraphShape implements TopologyShape {
  readonly gpus: number;
  readonly tierNames: readonly string[];
  readonly fabricTiers: number;
  /** The fastest host NIC (what background load and report ratios are relative to). */
  readonly linkGbps: number;
  /** The longest link delay (the fabric's default; each cable and host link carries its own). */
  readonly linkDelayPs: number;
  readonly nvlink = null;
  readonly gpusPerNode: number;
  readonly maxHops: number;
  readonly ports: GraphPorts;
  readonly routes: GraphRoutes;
  private readonly hostSwitchOf: Int32Array;
  private readonly hostSlotOf: Int32Array;
  private readonly hostLinkOf: Int32Array;

  constructor(readonly graph: TopologyGraph) {
    checkGraph(graph);
    const H = graph.hosts.length;
    this.gpus = H;
    const ports = (this.ports = graphPorts(graph));
    this.routes = graphRoutes(graph, ports);
    this.fabricTiers = ports.tiers;
    this.tierNames = Array.from({ length: ports.tiers }, (_, t) => graphTierName(t));
    this.gpusPerNode = graph.gpusPerNode ?? DEFAULT_GPUS_PER_NODE;
    this.hostSwitchOf = new Int32Array(H);
    this.hostSlotOf = new Int32Array(H);
    this.hostLinkOf = new Int32Array(H);
    let hostGbps = 0;
    let delayPs = 0;
    graph.links.forEach((l, i) => {
      delayPs = Math.max(delayPs, l.delayPs);
      if (Math.min(l.a, l.b) >= H) return;
      const [h, end] = l.a < H ? [l.a, l.b] : [l.b, l.a];
      this.hostSwitchOf[h] = end - H;
      this.hostSlotOf[h] = l.a < H ? ports.linkPortB[i]! : ports.linkPortA[i]!;
      this.hostLinkOf[h] = i;
      hostGbps = Math.max(hostGbps, l.gbps);
    });
    this.linkGbps = hostGbps;
    this.linkDelayPs = delayPs;
    const { leafHops, leaves } = this.routes;
    let maxLeafHops = 0;
    for (let i = 0; i < leaves * leaves; i++) maxLeafHops = Math.max(maxLeafHops, leafHops[i]!);
    this.maxHops = maxLeafHops + 2;
  }

  sameNode(): boolean {
    return false;
  }

  hops(src: number, dst: number): number {
    const { leafIndex, leaves, leafHops } = this.routes;
    return 2 + leafHops[leafIndex[this.hostSwitchOf[src]!]! * leaves + leafIndex[this.hostSwitchOf[dst]!]!]!;
  }

  switches(): SwitchLayout[] {
    const g = this.graph;
    const { portStart, downPorts, portLink } = this.ports;
    const { leafIndex, leaves, route: table, portSets } = this.routes;
    const { hostSwitchOf, hostSlotOf } = this;
    return g.switches.map((name, s) => {
      const first = portStart[s]!;
      const count = portStart[s + 1]! - first;
      const rates = Array.from({ length: count }, (_, q) => g.links[portLink[first + q]!]!.gbps);
      const gbps = Math.max(...rates);
      const route = (dst: number) => {
        const at = hostSwitchOf[dst]!;
        return at === s ? portRange(hostSlotOf[dst]!, 1) : table[s * leaves + leafIndex[at]!]!;
      };
      return {
        name,
        tier: this.ports.tierOf[s]!,
        index: s,
        downPorts: downPorts[s]!,
        upPorts: count - downPorts[s]!,
        gbps,
        route,
        ...(rates.every((r) => r === gbps) ? {} : { portGbps: rates }),
        ...(portSets[s]!.length > 0 ? { portSets: portSets[s]! } : {}),
      };
    });
  }

  forEachCable(cable: (a: number, aPort: number, b: number, bPort: number, delayPs?: number) => void): void {
    const H = this.gpus;
    const { linkPortA, linkPortB } = this.ports;
    this.graph.links.forEach((l, i) => {
      if (Math.min(l.a, l.b) < H) return;
      for (let k = 0; k < l.parallel; k++) cable(l.a - H, linkPortA[i]! + k, l.b - H, linkPortB[i]! + k, l.delayPs);
    });
  }

  hostLink(h: number): { gbps: number; delayPs: number } {
    const l = this.graph.links[this.hostLinkOf[h]!]!;
    return { gbps: l.gbps, delayPs: l.delayPs };
  }

  hostSwitch(h: number): number {
    return this.hostSwitchOf[h]!;
  }

  hostSlot(h: number): number {
    return this.hostSlotOf[h]!;
  }

  nvSwitch(): number {
    throw new Error('a graph topology has no NVLink domain');
  }

  nvSlot(): number {
    throw new Error('a graph topology has no NVLink domain');
  }
}

