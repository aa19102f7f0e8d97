import { grown, nsFromPs, psFromUs, seed32, type EventTarget, type Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import type { FabricModel } from '../fabric-model.js';
import { fiveTupleHash, mix32 } from '../hash.js';
import { FabricMetrics } from '../metrics.js';
import { NO_PROBES, type FabricProbes } from '../probes.js';
import { ClosShape, DragonflyShape, shapeOf, type NvlinkDomain, type TopologyShape, type TopologySpec } from '../topology/index.js';
import { FLOW_STATE, FluidEvent, FluidFlow, PathKinds, SENT_KEY, type FluidFlowOwner } from './fluid-flow.js';
import { FlowEventQueue, type KeyRecords } from './flow-event-queue.js';
import { FlowLinks } from './flow-links.js';
import type { DeliveryTarget } from '../fabric-model.js';
import { MessagePool } from './message-pool.js';
import { flowLayoutOf, type FlowLayout } from './layout.js';
import type { LinkGraph } from './link-graph.js';
import { MaxMinSolver } from './max-min.js';
import { idleFramePs, lastFrameArrivalPs } from './path-latency.js';
import { ShapeRoutes } from './shape-links.js';
import { routingOf } from '../routing/index.js';
import { DEFAULT_ROUTING_RECONVERGE_US, type FailureEvent } from '../failures.js';
import { FlowFailures } from './flow-failures.js';
import type { FlowPaths } from '../routing/routing-policy.js';
import { CriticalPath } from '../attribution/critical-path.js';
import { fluidMessageBreakdown } from '../attribution/fluid-breakdown.js';
import type { RunNeeds } from '../needs.js';
import { ClosRoutes, type FlowRoutes } from './flow-routes.js';
import { DragonflyRoutes } from './dragonfly-routes.js';

/** The topology as workloads (and the runner) read it in the flow model. */
export interface FlowTopology {
  readonly shape: TopologyShape;
  readonly gpus: number;
  readonly hostGbps: number;
  readonly maxHops: number;
  readonly linkDelayPs: number;
  readonly nvlink: NvlinkDomain | null;
  hops(src: number, dst: number): number;
}

/** Counters of the flow model's own work, for the benchmark. */
export interface FlowModelStats {
  flows: number;
  messages: number;
  /** Sent events scheduled, and those a rate change superseded before they fired (cancelled in a FlowEventQueue; otherwise run and ignored). */
  sentEventsScheduled: number;
  sentEventsStale: number;
  solves: number;
  regionFlows: number;
  passes: number;
  maxRegion: number;
}

const SOLVE = 0;

/**
 * A fabric as a fluid: each queue pair is a flow on its path (ECMP's one path, or an even
 * split over all equal-cost paths for spray/adaptive/flowlet), rates are max-min fair and
 * re-solved incrementally when a flow starts or runs dry, and a message's last byte leaves
 * when its wire bytes have drained at those rates; it arrives one path latency later
 * (propagation on every hop, and the last frame store-and-forwarded). No queues, PFC,
 * congestion control or loss: the fabric as a perfectly fair, lossless scheduler would run it.
 *
 * Same workload API as the packet `Network`, same topology arithmetic and ECMP hashing.
 * All changes of one instant are solved together (one solve event per instant).
 */
export class FlowNetwork implements FabricModel, EventTarget, FluidFlowOwner, KeyRecords {
  readonly model = 'flow' as const;
  readonly metrics = new FabricMetrics();
  readonly topology: FlowTopology;
  /** Links and routes: a Clos's (ECMP's one path or an even split, as the routing module declares) or a dragonfly's; failures under spraying replace a Clos's once by single cables (scheduleFailures). */
  routes: FlowRoutes;
  /** What the routing module declares for the flow model (failures re-route by it). */
  private readonly flowPaths: FlowPaths;
  solver: MaxMinSolver;
  private failures: FlowFailures | null = null;
  private readonly portSalt: number;
  private flowCount = 0;
  private solvePending = false;
  private sentScheduled = 0;
  private sentStale = 0;
  /** Messages posted and not yet delivered. */
  private readonly pool = new MessagePool();
  /** The simulator's queue when it is a FlowEventQueue (the runner's for this model): superseded Sent events are cancelled in it rather than run. */
  private readonly events: FlowEventQueue | null;
  private readonly loadOf = (link: number): number => this.solver.flowCountOn(link);
  /** Every flow's rate, rate before, bytes left and when they were settled, and its pending Sent event (FluidFlow's numbers, FLOW_STATE per flow id). */
  flowState = new Float64Array(FLOW_STATE * 1024);

  /** The event queue keeps each flow's pending Sent in the flow's own numbers (a line its event reads anyway). */
  get keyRecords(): Float64Array {
    return this.flowState;
  }
  /** Every flow's plain path (FluidFlow keeps no links array of its own). */
  readonly flowLinks = new FlowLinks();
  readonly pathKinds = new PathKinds();

  /** A flow's event (FluidFlow.onEvent). */
  flowEvent(flow: FluidFlow, kind: FluidEvent, arg: number): void {
    if (kind === FluidEvent.Sent) this.sent(flow, arg);
    else this.delivered(flow, arg);
  }

  constructor(
    readonly sim: Simulator,
    topologySpec: TopologySpec,
    readonly config: FabricConfig,
    seed: number,
    run: RunNeeds = {},
  ) {
    this.attribution = run.attribution ? new CriticalPath() : undefined;
    this.events = run.flowEvents ?? null;
    this.events?.keepKeysIn(this, FLOW_STATE, SENT_KEY);
    const shape = shapeOf(topologySpec);
    const routing = routingOf(config);
    this.flowPaths = routing.flowModel;
    this.routes =
      shape instanceof ClosShape
        ? new ClosRoutes(flowLayoutOf(topologySpec, seed), routing.flowModel)
        : shape instanceof DragonflyShape
          ? new DragonflyRoutes(shape, routing.name, seed)
          : new ShapeRoutes(shape, seed, routing.flowModel);
    this.solver = new MaxMinSolver(this.routes.count, (link) => this.routes.capacityGbps(link));
    this.portSalt = seed32(seed, 'udp-source-ports');
    this.topology = {
      shape,
      gpus: shape.gpus,
      hostGbps: shape.linkGbps,
      maxHops: shape.maxHops,
      linkDelayPs: shape.linkDelayPs,
      nvlink: shape.nvlink,
      hops: (src, dst) => shape.hops(src, dst),
    };
  }

  /** A Clos's layout and link graph (tests inspect them). */
  get layout(): FlowLayout {
    return this.closRoutes.layout;
  }

  get links(): LinkGraph {
    return this.closRoutes.graph;
  }

  private get closRoutes(): ClosRoutes {
    if (!(this.routes instanceof ClosRoutes)) throw new Error('flow model: not a Clos');
    return this.routes;
  }

  get gpus(): number {
    return this.topology.gpus;
  }

  get hostGbps(): number {
    return this.topology.hostGbps;
  }

  /** No PFC, no queues, no ports to sample. */
  pausedPsAt(_nowPs: number): number {
    return 0;
  }

  readonly maxQueueBytes = 0;
  /** Where the time goes, when the run asks (fluid-breakdown.ts says what this model can tell). */
  readonly attribution: CriticalPath | undefined;
  readonly probes: FabricProbes = NO_PROBES;

  get stats(): FlowModelStats {
    const s = this.solver.stats;
    return {
      flows: this.flowCount,
      messages: this.metrics.messagesPosted,
      sentEventsScheduled: this.sentScheduled,
      sentEventsStale: this.sentStale,
      solves: s.solves,
      regionFlows: s.regionFlows,
      passes: s.passes,
      maxRegion: s.maxRegion,
    };
  }

  /** A queue pair with the packet model's UDP source port for the same flow number, so ECMP hashes it alike. */
  openFlow(src: number, dst: number): FluidFlow {
    const id = this.flowCount++;
    const sport = 0xc000 | (mix32(id ^ this.portSalt) & 0x3fff);
    const hash = fiveTupleHash(src, dst, sport);
    const path = this.failures?.route(src, dst, hash) ?? this.routes.route(src, dst, hash, this.loadOf);
    if (FLOW_STATE * (id + 1) > this.flowState.length) this.flowState = grown(this.flowState, 2 * this.flowState.length);
    const flow = new FluidFlow(id, src, dst, path, this);
    this.failures?.track(flow, hash);
    return flow;
  }

  /** Schedules link and switch failures (flow-failures.ts, a Clos only); call before any flow is opened. */
  scheduleFailures(events: readonly FailureEvent[], seed: number): void {
    if (this.failures !== null || this.flowCount > 0) throw new Error('flow model: schedule failures once, before opening flows');
    this.metrics.failuresScheduled = true;
    if (this.links.aggregated) {
      // Failures break the even split's symmetry: every cable its own link, weighted paths.
      this.routes = new ClosRoutes(this.layout, this.flowPaths, false);
      this.solver = new MaxMinSolver(this.routes.count, (link) => this.routes.capacityGbps(link));
    }
    const routing = routingOf(this.config);
    const reconvergePs = psFromUs(this.config.routingReconvergeUs ?? DEFAULT_ROUTING_RECONVERGE_US);
    this.failures = new FlowFailures(this, events, reconvergePs, this.flowPaths, routing.seesDeadPortsAtOnce === true, seed);
  }

  send(flow: FluidFlow, bytes: number, onDelivered?: (atPs: number) => void): void {
    if (this.attribution) onDelivered = this.attribution.wrap(this.sim.nowPs, onDelivered);
    this.enqueue(flow, this.allocMessage(bytes, onDelivered));
  }

  /**
   * `send`, its delivery reported as `target.delivered(tag, atPs)` at the moment `send`'s
   * callback would run: a workload passes one object for many messages, not a closure each.
   */
  sendTagged(flow: FluidFlow, bytes: number, target: DeliveryTarget, tag: number): void {
    if (this.attribution) {
      this.send(flow, bytes, (atPs) => target.delivered(tag, atPs));
      return;
    }
    const slot = this.allocMessage(bytes, undefined);
    this.pool.tag(slot, target, tag);
    this.enqueue(flow, slot);
  }

  private allocMessage(bytes: number, onDelivered: ((atPs: number) => void) | undefined): number {
    const { mtuBytes, headerBytes } = this.config;
    const frames = Math.max(1, Math.ceil(bytes / mtuBytes));
    return this.pool.alloc(bytes, bytes + frames * headerBytes, frames, this.sim.nowPs, onDelivered);
  }

  /** Appends a message to the flow's FIFO; an idle flow becomes active (a solve at this instant). */
  private enqueue(flow: FluidFlow, slot: number): void {
    const pool = this.pool;
    if (flow.last >= 0) pool.setNext(flow.last, slot);
    else {
      flow.first = slot;
      flow.setHead(pool.bytesOf(slot), pool.framesOf(slot));
    }
    flow.last = slot;
    this.metrics.messagesPosted++;
    if (flow.active) return;
    flow.active = true;
    flow.remainingBytes = pool.wireBytesOf(flow.first);
    flow.settledPs = this.sim.nowPs;
    this.solver.add(flow);
    this.requestSolve();
  }

  onEvent(kind: number): void {
    if (kind !== SOLVE) return;
    this.solvePending = false;
    const now = this.sim.nowPs;
    const n = this.solver.solveInPlace();
    const changed = this.solver.changedFlows as readonly FluidFlow[];
    for (let i = 0; i < n; i++) {
      const f = changed[i]!;
      if (!f.active) continue;
      f.remainingBytes -= (f.prevRate * (now - f.settledPs)) / 8_000;
      f.settledPs = now;
      this.scheduleSent(f);
    }
  }

  /** One solve at this instant, after every change of it. */
  requestSolve(): void {
    if (this.solvePending) return;
    this.solvePending = true;
    this.sim.schedule(0, this, SOLVE);
  }

  /** (Re)schedules the moment the head message's last byte leaves, at the current rate. */
  private scheduleSent(f: FluidFlow): void {
    if (f.rate <= 0) {
      this.supersedeSent(f);
      return;
    }
    const dt = Math.ceil((Math.max(0, f.remainingBytes) * 8_000) / f.rate);
    this.sentScheduled++;
    const events = this.events;
    if (events !== null) {
      // Supersedes the pending one: the same order of the events that run, one fewer to pop.
      if (f.sentPending) this.sentStale++;
      f.sentPending = true;
      events.pushKeyed(this.sim.nowPs + dt, f, FluidEvent.Sent, 0, f.id);
      return;
    }
    if (f.sentPending) this.sentStale++;
    f.sentPending = true;
    f.generation++;
    this.sim.schedule(dt, f, FluidEvent.Sent, f.generation);
  }

  /** The pending Sent event (if any) is at a rate no longer current: cancelled, or left to fire and be ignored. */
  supersedeSent(f: FluidFlow): void {
    if (!f.sentPending) return;
    f.sentPending = false;
    this.sentStale++;
    if (this.events !== null) this.events.cancel(f.id);
    else f.generation++;
  }

  /** The head message has left the sender: it arrives one path latency later; the next one starts. */
  private sent(f: FluidFlow, generation: number): void {
    if (this.events === null && generation !== f.generation) return;
    f.sentPending = false;
    const pool = this.pool;
    const slot = f.first;
    const bytes = f.headBytes;
    const frames = f.headFrames;
    // A lone message has no next: its pool record is not read until it is delivered.
    if (slot === f.last) f.first = f.last = -1;
    else {
      f.first = pool.nextOf(slot);
      f.setHead(pool.bytesOf(f.first), pool.framesOf(f.first));
    }
    const { path } = f;
    const m = this.metrics;
    m.dataPacketsSent += frames;
    m.dataBytesSent += bytes;
    m.dataPacketsArrived += frames;
    m.dataBytesArrived += bytes;
    if (path.nvlink) {
      m.nvlinkBytesSent += bytes;
      m.nvlinkBytesArrived += bytes;
    }
    const lastFrame = bytes - (frames - 1) * this.config.mtuBytes + this.config.headerBytes;
    this.sim.schedule(lastFrameArrivalPs(path, lastFrame), f, FluidEvent.Delivered, slot);
    const now = this.sim.nowPs;
    if (f.first >= 0) {
      f.remainingBytes = pool.wireBytesOf(f.first);
      f.settledPs = now;
      f.prevRate = f.rate;
      this.scheduleSent(f);
      return;
    }
    f.active = false;
    this.solver.remove(f);
    this.requestSolve();
  }

  private explain(f: FluidFlow, slot: number, totalPs: number): void {
    const { path } = f;
    const frames = this.pool.framesOf(slot);
    const lastFrame = this.pool.bytesOf(slot) - (frames - 1) * this.config.mtuBytes + this.config.headerBytes;
    fluidMessageBreakdown(this.attribution!, totalPs, this.pool.wireBytesOf(slot), lastFrame, path.hops, path.gbps, path.delayPs, path.nvlink);
  }

  private delivered(f: FluidFlow, slot: number): void {
    const now = this.sim.nowPs;
    const pool = this.pool;
    const bytes = pool.bytesOf(slot);
    const postedPs = pool.postedPsOf(slot);
    if (this.attribution) this.explain(f, slot, now - postedPs);
    const target = pool.targetOf(slot);
    const tag = pool.tagOf(slot);
    const onDelivered = pool.free(slot);
    const m = this.metrics;
    m.bytesDelivered += bytes;
    m.messagesDelivered++;
    m.messageFctNs.record(nsFromPs(now - postedPs));
    // Lower bound of a packet's latency: its first frame on the idle path (no queueing).
    // Scale-out fabric only, as in the packet model: NVLink messages inside a server are left out.
    const { path } = f;
    if (!path.nvlink) {
      const frame = Math.min(bytes, this.config.mtuBytes) + this.config.headerBytes;
      m.packetLatencyNs.record(nsFromPs(idleFramePs(path, frame)));
    }
    if (f.deliveredTo !== null) f.deliveredTo.deliveredBytes += bytes;
    if (target !== undefined) target.delivered(tag, now);
    else onDelivered?.(now);
  }
}
