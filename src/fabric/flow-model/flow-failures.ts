import { psFromUs, rngStream, shuffle, type EventTarget, type Simulator } from '../../engine/index.js';
import type { FailureEvent, FailureState } from '../failures.js';
import type { FlowPaths } from '../routing/routing-policy.js';
import { ClosShape, type TopologyShape } from '../topology/index.js';
import { FailureRoutes } from './failure-routes.js';
import type { FluidFlow } from './fluid-flow.js';
import type { LinkGraph } from './link-graph.js';
import type { MaxMinSolver } from './max-min.js';
import type { FlowPath } from './paths.js';

/** Can the flow model simulate failures on this topology? Its failure routes know the folded Clos only. */
export const flowModelSimulatesFailures = (shape: TopologyShape): boolean => shape instanceof ClosShape;

/** What failures need of the flow network: its clock, graph (of single cables) and solver, and a solve at this instant. */
export interface FailingFlowNetwork {
  readonly sim: Simulator;
  readonly links: LinkGraph;
  readonly solver: MaxMinSolver;
  requestSolve(): void;
  /** A flow's pending Sent event is at a rate no longer current. */
  supersedeSent(f: FluidFlow): void;
}

/**
 * Link and switch failures in the flow model, with the packet model's semantics (failures.ts)
 * as far as a fluid has them. A `down` cable has capacity 0 both ways, so every flow routed
 * over it stalls (rate 0: its bytes wait, none is lost) until routing moves it: at once
 * under a policy that reads port state (spray, adaptive) for a failure at its own switch,
 * else `reconvergePs` later (FailureRoutes decides hop by hop as the packet switches do).
 * `degraded` sets the cable's capacity, `up` restores it. A moved flow keeps its bytes left.
 * At 0 µs the fabric starts so, routing already around it. What a fluid has not: bytes on
 * the wire or queued when a link dies are not lost, so no retransmission and no timeout
 * after routing moves a flow (the packet model recovers from its losses one RTO later).
 */
export class FlowFailures implements EventTarget {
  private readonly actions: { links: number[]; state: FailureState; rateGbps?: number }[] = [];
  readonly routes: FailureRoutes;
  /** Every flow opened and its 5-tuple hash: any may move when routing changes. */
  private readonly flows: FluidFlow[] = [];
  private readonly hashes: number[] = [];
  private readonly nominalGbps: Float64Array;
  private readonly rateGbps: Float64Array;

  constructor(
    private readonly net: FailingFlowNetwork,
    events: readonly FailureEvent[],
    private readonly reconvergePs: number,
    paths: FlowPaths,
    immediate: boolean,
    seed: number,
  ) {
    const g = net.links;
    this.routes = new FailureRoutes(g, paths, immediate);
    this.nominalGbps = Float64Array.from({ length: g.count }, (_, link) => g.capacityGbps(link));
    g.rateGbps = this.rateGbps = this.nominalGbps.slice();
    const cables = new ClosCables(g);
    events.forEach((event, i) => {
      this.actions.push({ links: cables.of(event, seed, i), state: event.state, rateGbps: event.rateGbps });
      if (event.atUs === 0) {
        this.change(i);
        this.reconverge(i);
      } else net.sim.at(psFromUs(event.atUs), this, i);
    });
  }

  /** The route of a new flow in the fabric's state now. */
  route(src: number, dst: number, hash: number): FlowPath {
    return this.routes.route(src, dst, hash);
  }

  /** Follows `flow` from now on: routing may move it. */
  track(flow: FluidFlow, hash: number): void {
    this.flows.push(flow);
    this.hashes.push(hash);
  }

  /** kind ≥ 0: apply event `kind`; kind < 0: routing reconverges for event -kind-1 (as failures.ts). */
  onEvent(kind: number): void {
    if (kind < 0) this.reconverge(-kind - 1);
    else {
      this.change(kind);
      this.net.sim.at(this.net.sim.nowPs + this.reconvergePs, this, -kind - 1);
    }
    this.reroute();
  }

  private change(i: number): void {
    const { links, state, rateGbps } = this.actions[i]!;
    for (const link of links) {
      this.routes.down[link] = state === 'down' ? 1 : 0;
      this.rateGbps[link] = state === 'down' ? 0 : state === 'degraded' ? rateGbps! : this.nominalGbps[link]!;
      this.net.solver.capacityChanged(link);
    }
    this.net.requestSolve();
  }

  private reconverge(i: number): void {
    for (const link of this.actions[i]!.links) this.routes.routeDown[link] = this.routes.down[link]!;
    this.routes.checkOnward = true;
  }

  /** Routes every flow afresh; a flow whose route changed keeps the bytes it has left (settled now) and is re-solved. */
  private reroute(): void {
    const now = this.net.sim.nowPs;
    const solver = this.net.solver;
    for (let i = 0; i < this.flows.length; i++) {
      const f = this.flows[i]!;
      if (f.path.nvlink) continue;
      const path = this.routes.route(f.src, f.dst, this.hashes[i]!);
      if (samePath(path, f.path)) continue;
      if (!f.active) {
        f.setPath(path);
        continue;
      }
      f.remainingBytes -= (f.rate * (now - f.settledPs)) / 8_000;
      f.settledPs = now;
      this.net.supersedeSent(f); // its pending Sent event was at the old rate
      solver.remove(f);
      f.setPath(path);
      solver.add(f);
      this.net.requestSolve();
    }
  }
}

function samePath(a: FlowPath, b: FlowPath): boolean {
  if (a.links.length !== b.links.length) return false;
  for (let i = 0; i < a.links.length; i++) if (a.links[i] !== b.links[i] || (a.weights?.[i] ?? 1) !== (b.weights?.[i] ?? 1)) return false;
  return true;
}

/**
 * The link-graph cables (both directions of each) that a failure event names, by the packet
 * model's switch and port numbering (ClosShape): the same cables failures.ts fails, the
 * random share drawn from the same seeded stream over the same port order.
 */
class ClosCables {
  private readonly shape: ClosShape;
  private readonly downPorts: number[];
  private readonly ports: number[];
  private readonly tiers: { first: number; count: number }[] = [];
  private hostAt: Map<number, number> | null = null;

  constructor(private readonly g: LinkGraph) {
    this.shape = g.layout.shape;
    const switches = this.shape.switches();
    this.downPorts = switches.map((s) => s.downPorts);
    for (let t = 0; t < this.shape.fabricTiers; t++) {
      const first = switches.findIndex((s) => s.tier === t);
      this.tiers.push({ first, count: switches.filter((s) => s.tier === t).length });
    }
    this.ports = switches.map((s) => s.downPorts + s.upPorts);
  }

  of(event: FailureEvent, seed: number, eventIndex: number): number[] {
    const tier = (name: string) => this.shape.tierNames.indexOf(name);
    if ('link' in event) return this.cable(tier(event.link.tier), event.link.switch, event.link.port);
    if ('switch' in event) {
      const t = tier(event.switch.tier);
      const n = this.ports[this.tiers[t]!.first + event.switch.index]!;
      return Array.from({ length: n }, (_, port) => this.cable(t, event.switch.index, port)).flat();
    }
    const t = tier(event.random.tier);
    const { first, count } = this.tiers[t]!;
    const all: [number, number][] = [];
    for (let i = 0; i < count; i++) for (let port = 0; port < this.ports[first + i]!; port++) all.push([i, port]);
    const n = Math.round((event.random.linksPercent / 100) * all.length);
    return shuffle(all, rngStream(seed, `failures/${eventIndex}`))
      .slice(0, n)
      .flatMap(([i, port]) => this.cable(t, i, port));
  }

  /** Both directions of port `port` of switch `index` of tier `t`. */
  private cable(t: number, index: number, port: number): number[] {
    const g = this.g;
    const L = g.layout;
    const U = g.leafUplinks;
    const S = L.spinesPerPod;
    const C = L.coresPerPlane;
    const P = L.parallel;
    const pair = (up: number, down: number, i: number) => [up + i, down + i];
    if (t === 0) {
      const down = this.downPorts[index]!;
      if (port >= down) return pair(g.leafUp, g.leafDown, index * U + port - down);
      return pair(g.hostUp, g.hostDown, this.hostOn(index, port));
    }
    if (t === 1) {
      const p = Math.floor(index / S);
      const j = index % S;
      const down = this.downPorts[this.tiers[1]!.first + index]!;
      if (port >= down) return pair(g.spineUp, g.spineDown, index * C + port - down);
      const leaf = p * L.leavesPerPod + Math.floor(port / P);
      return pair(g.leafUp, g.leafDown, leaf * U + j * P + (port % P));
    }
    // Core c of plane j: port p goes down to spine j of pod p.
    return pair(g.spineUp, g.spineDown, (port * S + Math.floor(index / C)) * C + (index % C));
  }

  /** The GPU cabled to port `slot` of leaf `leaf`. */
  private hostOn(leaf: number, slot: number): number {
    if (this.hostAt === null) {
      this.hostAt = new Map();
      for (let h = 0; h < this.shape.gpus; h++) this.hostAt.set(this.shape.leafOf(h) * 65_536 + this.shape.slotOf(h), h);
    }
    return this.hostAt.get(leaf * 65_536 + slot)!;
  }
}
