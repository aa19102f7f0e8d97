import { nsFromPs, seed32, type EventTarget, type Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import type { FabricModel } from '../fabric-model.js';
import { fiveTupleHash, mix32 } from '../hash.js';
import { FabricMetrics } from '../metrics.js';
import { NO_PROBES, type FabricProbes } from '../probes.js';
import { ClosShape, shapeOf, type NvlinkDomain, type TopologyShape, type TopologySpec } from '../topology/index.js';
import { FluidEvent, FluidFlow } from './fluid-flow.js';
import { MessagePool } from './message-pool.js';
import { flowLayoutOf, type FlowLayout } from './layout.js';
import { LinkGraph } from './link-graph.js';
import { MaxMinSolver } from './max-min.js';
import { routeOf, type FlowPath } from './paths.js';
import { idleFramePs, lastFrameArrivalPs } from './path-latency.js';
import { ShapeLinks } from './shape-links.js';
import { routingOf } from '../routing/index.js';
import type { FlowPaths } from '../routing/routing-policy.js';

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
  /** Sent events scheduled, and those a rate change made stale before they fired. */
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
export class FlowNetwork implements FabricModel, EventTarget {
  readonly model = 'flow' as const;
  readonly metrics = new FabricMetrics();
  readonly topology: FlowTopology;
  /** A Clos's layout and link arithmetic (other shapes route through ShapeLinks). */
  readonly layout!: FlowLayout;
  readonly links!: LinkGraph;
  /** A flow's links and loads: the Clos arithmetic, or any shape's own routes. */
  private readonly routeFlow: (src: number, dst: number, hash: number) => FlowPath;
  /** One hashed path per flow, or an even split: what the routing module declares for the flow model. */
  private readonly flowPaths: FlowPaths;
  readonly solver: MaxMinSolver;
  private readonly portSalt: number;
  private flowCount = 0;
  private solvePending = false;
  private sentScheduled = 0;
  private sentStale = 0;
  /** Messages posted and not yet delivered. */
  private readonly pool = new MessagePool();
  private readonly flowEvent = (flow: FluidFlow, kind: FluidEvent, arg: number) =>
    kind === FluidEvent.Sent ? this.sent(flow, arg) : this.delivered(flow, arg);

  constructor(
    readonly sim: Simulator,
    topologySpec: TopologySpec,
    readonly config: FabricConfig,
    seed: number,
  ) {
    const shape = shapeOf(topologySpec);
    this.flowPaths = routingOf(config).flowModel;
    if (shape instanceof ClosShape) {
      const layout = (this.layout = flowLayoutOf(topologySpec, seed));
      // An even split loads every link of an equal-cost group alike: the graph makes each group one link.
      const links = (this.links = new LinkGraph(layout, this.flowPaths === 'even-split'));
      this.routeFlow = (src, dst, hash) => routeOf(links, this.flowPaths, src, dst, hash);
      this.solver = new MaxMinSolver(links.count, (link) => links.capacityGbps(link));
    } else {
      const links = new ShapeLinks(shape, seed);
      this.routeFlow = (src, dst, hash) => links.route(this.flowPaths, src, dst, hash);
      this.solver = new MaxMinSolver(links.count, (link) => links.capacityGbps(link));
    }
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
    const path = this.routeFlow(src, dst, fiveTupleHash(src, dst, sport));
    return new FluidFlow(id, src, dst, path, this.flowEvent);
  }

  send(flow: FluidFlow, bytes: number, onDelivered?: (atPs: number) => void): void {
    const { mtuBytes, headerBytes } = this.config;
    const frames = Math.max(1, Math.ceil(bytes / mtuBytes));
    const pool = this.pool;
    const slot = pool.alloc(bytes, bytes + frames * headerBytes, frames, this.sim.nowPs, onDelivered);
    if (flow.last >= 0) pool.next[flow.last] = slot;
    else flow.first = slot;
    flow.last = slot;
    this.metrics.messagesPosted++;
    if (flow.active) return;
    flow.active = true;
    flow.remainingBytes = pool.wireBytes[flow.first]!;
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

  private requestSolve(): void {
    if (this.solvePending) return;
    this.solvePending = true;
    this.sim.schedule(0, this, SOLVE);
  }

  /** (Re)schedules the moment the head message's last byte leaves, at the current rate. */
  private scheduleSent(f: FluidFlow): void {
    f.generation++;
    if (f.rate <= 0) return;
    const dt = Math.ceil((Math.max(0, f.remainingBytes) * 8_000) / f.rate);
    this.sentScheduled++;
    this.sim.schedule(dt, f, FluidEvent.Sent, f.generation);
  }

  /** The head message has left the sender: it arrives one path latency later; the next one starts. */
  private sent(f: FluidFlow, generation: number): void {
    if (generation !== f.generation) {
      this.sentStale++;
      return;
    }
    const pool = this.pool;
    const slot = f.first;
    f.first = pool.next[slot]!;
    if (f.first < 0) f.last = -1;
    const bytes = pool.bytes[slot]!;
    const frames = pool.frames[slot]!;
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
      f.remainingBytes = pool.wireBytes[f.first]!;
      f.settledPs = now;
      f.prevRate = f.rate;
      this.scheduleSent(f);
      return;
    }
    f.active = false;
    f.generation++;
    this.solver.remove(f);
    this.requestSolve();
  }

  private delivered(f: FluidFlow, slot: number): void {
    const now = this.sim.nowPs;
    const pool = this.pool;
    const bytes = pool.bytes[slot]!;
    const postedPs = pool.postedPs[slot]!;
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
    onDelivered?.(now);
  }
}
