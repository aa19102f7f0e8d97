import { psFromNs } from '../../engine/index.js';
import { GlobalLinks, type DragonflyArrangement } from './dragonfly-arrangement.js';
import { portRange, portSet, type PortRange, type SwitchLayout, type TopologyShape } from './shape.js';

export interface DragonflySpec {
  kind: 'dragonfly';
  groups: number;
  routersPerGroup: number;
  hostsPerRouter: number;
  globalLinksPerRouter: number;
  arrangement: DragonflyArrangement;
  /** GPUs, filling routers in order (default: all of groups × routers × hosts). */
  gpus: number;
  /** GPUs per node: node grouping only (each GPU has its own NIC; no NVLink domain is modelled). */
  gpusPerNode: number;
  /** Host (NIC) links, router–router links within a group, and between groups. */
  linkGbps: number;
  localGbps: number;
  globalGbps: number;
  linkDelayNs: number;
  localDelayNs: number;
  globalDelayNs: number;
}

/** No intermediate group: minimal routing (a packet's `via`). */
export const MINIMAL = -1;

/**
 * A dragonfly (Kim, Dally, Scott, Abts, ISCA 2008): groups of `a` routers joined all to all
 * by local links, `p` hosts per router, `h` global links per router arranged between the
 * groups as dragonfly-arrangement.ts says. Router R = G·a + r; GPU x sits on router ⌊x/p⌋.
 * Ports of a router: its hosts first (down ports), then a − 1 local ports (to the other
 * routers of its group in order), then its cabled global ports. Routing is computed: a
 * packet heads for its destination's group — or first for its intermediate group `via`
 * (Valiant, UGAL), until it is there — over the global links joining the two groups: the
 * router owning one takes it, any other router hands the packet to the owners over local
 * links; in the destination's group it goes to the destination's router, then host.
 */
export class DragonflyShape implements TopologyShape {
  readonly gpus: number;
  readonly groups: number;
  readonly routersPerGroup: number;
  readonly hostsPerRouter: number;
  readonly globalPerRouter: number;
  readonly routers: number;
  readonly links: GlobalLinks;
  readonly tierNames = ['router'] as const;
  readonly fabricTiers = 1;
  readonly linkGbps: number;
  readonly localGbps: number;
  readonly globalGbps: number;
  /** The longest hop's delay: what window and base-RTT estimates (maxHops × linkDelayPs) must cover; hosts get their own (hostLink). */
  readonly linkDelayPs: number;
  readonly hostDelayPs: number;
  readonly localDelayPs: number;
  readonly globalDelayPs: number;
  readonly nvlink = null;
  readonly gpusPerNode: number;
  /** A Valiant path: host, local, global, local, global, local, host. */
  readonly maxHops = 7;

  constructor(spec: DragonflySpec) {
    const { groups, routersPerGroup: a, hostsPerRouter: p, globalLinksPerRouter: h } = spec;
    this.groups = groups;
    this.routersPerGroup = a;
    this.hostsPerRouter = p;
    this.globalPerRouter = h;
    this.routers = groups * a;
    this.links = new GlobalLinks(groups, a * h, spec.arrangement);
    if (groups > 1 && this.links.perPair < 1)
      throw new RangeError(`topology.globalLinksPerRouter: routersPerGroup × globalLinksPerRouter (${a * h}) must reach every other group (groups − 1 = ${groups - 1})`);
    if (spec.gpus > this.routers * p) throw new RangeError(`topology.gpus: a dragonfly of ${groups} × ${a} routers × ${p} hosts holds at most ${this.routers * p} GPUs, got ${spec.gpus}`);
    if (a - 1 + h + p > 0xffff) throw new RangeError('topology.routersPerGroup: a router of more than 65535 ports');
    this.gpus = spec.gpus;
    this.gpusPerNode = spec.gpusPerNode;
    this.linkGbps = spec.linkGbps;
    this.localGbps = spec.localGbps;
    this.globalGbps = spec.globalGbps;
    this.hostDelayPs = psFromNs(spec.linkDelayNs);
    this.localDelayPs = psFromNs(spec.localDelayNs);
    this.globalDelayPs = psFromNs(spec.globalDelayNs);
    this.linkDelayPs = Math.max(this.hostDelayPs, this.localDelayPs, this.globalDelayPs);
  }

  routerOf(host: number): number {
    return Math.floor(host / this.hostsPerRouter);
  }

  groupOf(router: number): number {
    return Math.floor(router / this.routersPerGroup);
  }

  /** Hosts cabled to router R (the last routers may have fewer, or none). */
  hostsOn(R: number): number {
    return Math.max(0, Math.min(this.hostsPerRouter, this.gpus - R * this.hostsPerRouter));
  }

  /** Cabled global ports of the r-th router of a group. */
  globalOn(r: number): number {
    return Math.max(0, Math.min(this.globalPerRouter, this.links.used - r * this.globalPerRouter));
  }

  /** Router R's port to router `to` of its own group. */
  localPort(R: number, to: number): number {
    const r = R % this.routersPerGroup;
    const t = to % this.routersPerGroup;
    return this.hostsOn(R) + (t < r ? t : t - 1);
  }

  /** Router R's port for group-level global port j (which R owns). */
  globalPort(R: number, j: number): number {
    return this.hostsOn(R) + this.routersPerGroup - 1 + (j % this.globalPerRouter);
  }

  /** The router owning global port j of group G, and the router at its far end. */
  owner(G: number, j: number): number {
    return G * this.routersPerGroup + Math.floor(j / this.globalPerRouter);
  }

  peerRouter(G: number, j: number): number {
    return this.owner(this.links.target(G, j), this.links.peerPort(G, j));
  }

  /**
   * The ports of router R (in group G ≠ T) that lead towards group T on a minimal path:
   * its own global links to T if it has any, else its local links to the routers that do.
   */
  towards(R: number, T: number): number[] {
    const G = this.groupOf(R);
    const own: number[] = [];
    const via: number[] = [];
    for (let k = 0; k < this.links.perPair; k++) {
      const j = this.links.portTo(G, T, k);
      const o = this.owner(G, j);
      if (o === R) own.push(this.globalPort(R, j));
      else {
        const port = this.localPort(R, o);
        if (!via.includes(port)) via.push(port);
      }
    }
    return own.length > 0 ? own : via;
  }

  /**
   * Router-to-router links from router R to router D when packets go through group `via`
   * first (MINIMAL: straight), and the router where they enter D's group. Where a group
   * pair has several links, the path over its first is counted (exact for one link per pair).
   */
  routerHops(R: number, D: number, via: number = MINIMAL): number {
    let hops = 0;
    let at = R;
    const gd = this.groupOf(D);
    if (via >= 0 && via !== this.groupOf(R) && via !== gd) {
      const enter = this.enter(at, via);
      hops += enter.hops;
      at = enter.router;
    }
    if (this.groupOf(at) !== gd) {
      const enter = this.enter(at, gd);
      hops += enter.hops;
      at = enter.router;
    }
    return hops + (at === D ? 0 : 1);
  }

  /** From router R into group T (≠ R's): links crossed and the router entered. */
  private enter(R: number, T: number): { hops: number; router: number } {
    const G = this.groupOf(R);
    for (let k = 0; k < this.links.perPair; k++) {
      const j = this.links.portTo(G, T, k);
      if (this.owner(G, j) === R) return { hops: 1, router: this.peerRouter(G, j) };
    }
    return { hops: 2, router: this.peerRouter(G, this.links.portTo(G, T, 0)) };
  }

  /** Cabled router ports: hosts, the full mesh of each group, the cabled global links. */
  switchPorts(): number {
    let globals = 0;
    for (let r = 0; r < this.routersPerGroup; r++) globals += this.globalOn(r);
    return this.gpus + this.routers * (this.routersPerGroup - 1) + this.groups * globals;
  }

  sameNode(): boolean {
    return false;
  }

  /** Links on the minimal path (host links included). */
  hops(src: number, dst: number): number {
    return 2 + this.routerHops(this.routerOf(src), this.routerOf(dst));
  }

  switches(): SwitchLayout[] {
    const { routersPerGroup: a, hostsPerRouter: p, groups } = this;
    const out: SwitchLayout[] = [];
    for (let R = 0; R < this.routers; R++) {
      const G = this.groupOf(R);
      const r = R % a;
      const hosts = this.hostsOn(R);
      const globals = this.globalOn(r);
      const portGbps = [...Array<number>(hosts).fill(this.linkGbps), ...Array<number>(a - 1).fill(this.localGbps), ...Array<number>(globals).fill(this.globalGbps)];
      // Towards each other group: one port (a range of 1) or a set; portSets[T] for group T.
      const single = new Int32Array(groups).fill(-1);
      const portSets: number[][] = [];
      for (let T = 0; T < groups; T++) {
        const ports = T === G ? [] : this.towards(R, T);
        if (ports.length === 1) single[T] = ports[0]!;
        portSets.push(ports.length > 1 ? ports : []);
      }
      const first = R * p;
      const local = (D: number): number => hosts + (D % a < r ? D % a : (D % a) - 1);
      const route = (dst: number, via: number = MINIMAL): PortRange => {
        const D = Math.floor(dst / p);
        if (D === R) return portRange(dst - first, 1);
        const gd = Math.floor(D / a);
        if (gd === G) return portRange(local(D), 1);
        const T = via >= 0 && via !== G ? via : gd;
        const s = single[T]!;
        return s >= 0 ? portRange(s, 1) : portSet(T);
      };
      out.push({ name: `group${G}/router${r}`, tier: 0, index: R, downPorts: hosts, upPorts: a - 1 + globals, gbps: this.linkGbps, portGbps, portSets, route });
    }
    return out;
  }

  forEachCable(cable: (a: number, aPort: number, b: number, bPort: number, delayPs?: number) => void): void {
    const { routersPerGroup: a, links } = this;
    for (let G = 0; G < this.groups; G++) {
      for (let r = 0; r < a; r++)
        for (let t = r + 1; t < a; t++) {
          const R = G * a + r;
          const T = G * a + t;
          cable(R, this.localPort(R, T), T, this.localPort(T, R), this.localDelayPs);
        }
      for (let j = 0; j < links.used; j++) {
        const T = links.target(G, j);
        if (T < G) continue; // each cable once, from its lower group
        const jt = links.peerPort(G, j);
        const R = this.owner(G, j);
        const P = this.owner(T, jt);
        cable(R, this.globalPort(R, j), P, this.globalPort(P, jt), this.globalDelayPs);
      }
    }
  }

  hostLink(): { gbps: number; delayPs: number } {
    return { gbps: this.linkGbps, delayPs: this.hostDelayPs };
  }

  hostSwitch(h: number): number {
    return this.routerOf(h);
  }

  hostSlot(h: number): number {
    return h % this.hostsPerRouter;
  }

  nvSwitch(): number {
    throw new Error('dragonfly: no NVLink domain');
  }

  nvSlot(): number {
    throw new Error('dragonfly: no NVLink domain');
  }
}
