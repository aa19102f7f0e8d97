import { psFromUs, rngStream, serializationPs, seed32, type Simulator } from '../engine/index.js';
import { createCongestionControl } from './cc/index.js';
import type { FabricConfig } from './config.js';
import type { FabricContext } from './context.js';
import { Flow } from './flow.js';
import { fiveTupleHash, mix32 } from './hash.js';
import type { DeliveryTarget, FabricModel, Receiver } from './fabric-model.js';
import { FabricMetrics } from './metrics.js';
import { NvlinkCrossbar, NvlinkFlow } from './nvlink-crossbar.js';
import { fabricNeeds, type RunNeeds } from './needs.js';
import { CriticalPath } from './attribution/critical-path.js';
import { DEFAULT_ROUTING_RECONVERGE_US, Failures, type FailureEvent } from './failures.js';
import { PacketPool, TelemetrySlab } from './packet.js';
import { PortClocks } from './port-clocks.js';
import { packetProbes, type FabricProbes } from './probes.js';
import type { Port } from './port.js';
import type { Switch } from './switch.js';
import { createRouting } from './routing/index.js';
import { buildShape, NVLINK_PORT, sameNode, shapeOf, type Topology, type TopologyShape, type TopologySpec } from './topology/index.js';
import { createLossRecovery } from './transport/index.js';
import { perNodeRouting } from './partition/per-node-routing.js';

/** What a run split over threads puts between the workload and the NICs (partition/network-partition.ts). */
export interface NetworkPartitionHook {
  /** The id of a queue pair `src` opens now, or −1 for the network's running count. */
  flowIdFor(src: number): number;
  /** Whether this thread simulates NIC `host`. */
  owns(host: number): boolean;
  /** Runs `action` as an event of `port`'s NIC or switch if this thread simulates it; else nothing. */
  asOwnerOf(port: Port, action: () => void): void;
  opened(flow: Flow): void;
  send(flow: Flow, bytes: number, receiver?: Receiver, tag?: number): void;
}

/**
 * One simulated fabric: a topology built with one fabric's mechanisms, and the API
 * workloads use — open a flow (a queue pair) between two GPUs, send messages on it.
 */
export class Network implements FabricModel {
  readonly model = 'packet' as const;
  readonly metrics = new FabricMetrics();
  readonly topology: Topology;
  private readonly ctx: FabricContext;
  private readonly portSalt: number;
  private flowCount = 0;
  /** Sender window of every flow, in packets. */
  readonly windowPackets: number;
  /** Where the time goes: set when the run asks (RunNeeds.attribution). */
  readonly attribution: CriticalPath | undefined;
  /** Set when NVLink is modelled per message (`nvlinkModel: message`). */
  private readonly crossbar: NvlinkCrossbar | null;
  /** Set under `--threads` before the workload starts; null: every NIC is simulated here. */
  partition: NetworkPartitionHook | null = null;

  /** `topology`: a spec, or a shape of one's own (a topology kind the specs do not name yet). */
  constructor(
    readonly sim: Simulator,
    topology: TopologySpec | TopologyShape,
    readonly config: FabricConfig,
    seed: number,
    run: RunNeeds = {},
  ) {
    const metrics = this.metrics;
    const needs = fabricNeeds(config, run);
    this.attribution = needs.attribution ? new CriticalPath() : undefined;
    const telemetrySlab = new TelemetrySlab();
    this.ctx = {
      sim,
      config,
      metrics,
      pool: new PacketPool(),
      recovery: createLossRecovery(config, metrics),
      cc: createCongestionControl(config, sim, telemetrySlab),
      ecnRng: rngStream(seed, 'ecn'),
      needs,
      telemetrySlab,
      portClocks: new PortClocks(),
      ...(this.attribution ? { attribution: this.attribution } : {}),
    };
    const spec = 'kind' in topology ? topology : null;
    const shape = spec ? shapeOf(spec) : (topology as TopologyShape);
    const routing = run.perNodeStreams ? perNodeRouting(config, sim, seed, shape) : createRouting(config, sim, seed, shape);
    this.topology = buildShape(shape, this.ctx, routing, seed);
    if (run.perNodeStreams) for (const sw of this.topology.switches) sw.ecnRng = rngStream(seed, `ecn/${sw.name}`);
    let portId = 0;
    for (const sw of this.topology.switches) for (const port of sw.ports) port.id = portId++;
    routing.attach?.(this.topology.switches.filter((sw) => sw.tier < this.topology.fabricTiers));
    this.portSalt = seed32(seed, 'udp-source-ports');
    const windowBytes = config.windowBytes ?? this.bdpBytes(this.topology.maxHops);
    this.windowPackets = Math.max(1, Math.ceil(windowBytes / config.mtuBytes));
    this.crossbar = spec?.kind === 'rail-optimized' && spec.nvlinkModel !== 'packet' ? this.buildCrossbar() : null;
  }

  /** Schedules link and switch failures (failures.ts) on this fabric; call before running. */
  scheduleFailures(events: readonly FailureEvent[], seed: number): void {
    this.metrics.failuresScheduled = true;
    const reconvergePs = psFromUs(this.config.routingReconvergeUs ?? DEFAULT_ROUTING_RECONVERGE_US);
    const partition = this.partition;
    const asOwnerOf = partition === null ? undefined : (port: Port, action: () => void) => partition.asOwnerOf(port, action);
    new Failures(this.sim, this.topology, events, reconvergePs, this.metrics, this.ctx.pool, seed, asOwnerOf);
  }

  /** The NVSwitches as message-level FIFOs; their ports stay cabled, to carry utilization. */
  private buildCrossbar(): NvlinkCrossbar {
    const { nics, nvlink } = this.topology;
    const egress = nics.map((nic) => nic.ports[NVLINK_PORT]!);
    // The NVSwitch port cabled to a GPU is the far end of that GPU's NVLink.
    const ingress = egress.map(({ link }) => (link.to as Switch).ports[link.toPort]!);
    const { mtuBytes, headerBytes } = this.config;
    return new NvlinkCrossbar(this.sim, this.metrics, nvlink!.gbps, nvlink!.delayPs, mtuBytes, headerBytes, egress, ingress, this.attribution);
  }

  /** The fabric's packet pool and telemetry slab, for packets a run split over threads rebuilds from another thread's. */
  get packetPool(): PacketPool {
    return this.ctx.pool;
  }

  get telemetrySlab(): TelemetrySlab {
    return this.ctx.telemetrySlab;
  }

  get gpus(): number {
    return this.topology.nics.length;
  }

  /** NVLink traffic crosses the NVSwitches as whole messages: they have no queues to read. */
  get nvlinkPerMessage(): boolean {
    return this.crossbar !== null;
  }

  get hostGbps(): number {
    return this.topology.hostGbps;
  }

  pausedPsAt(nowPs: number): number {
    let total = 0;
    for (const nic of this.topology.nics) for (const port of nic.ports) total += port.pausedPsAt(nowPs);
    for (const sw of this.topology.switches) for (const port of sw.ports) total += port.pausedPsAt(nowPs);
    return total;
  }

  get maxQueueBytes(): number {
    let max = 0;
    const { switches, fabricTiers } = this.topology;
    for (const sw of switches) if (sw.tier < fabricTiers) for (const port of sw.ports) max = Math.max(max, port.maxQueuedBytes);
    return max;
  }

  private probeCache: FabricProbes | null = null;

  get probes(): FabricProbes {
    return (this.probeCache ??= packetProbes(this.topology, this.nvlinkPerMessage));
  }

  /**
   * Unloaded round trip over `hops` links of `rateGbps` and `delayPs` (default: the fabric's):
   * a full data packet store-and-forwarded there, its ACK back. Times the rate, it is the
   * window a lone flow needs to run at line rate.
   */
  baseRttPs(hops: number, rateGbps = this.topology.hostGbps, delayPs = this.topology.linkDelayPs): number {
    const { config } = this;
    const perHop =
      2 * delayPs + serializationPs(config.mtuBytes + config.headerBytes, rateGbps) + serializationPs(config.controlBytes, rateGbps);
    return hops * perHop;
  }

  bdpBytes(hops: number, rateGbps = this.topology.hostGbps, delayPs = this.topology.linkDelayPs): number {
    return Math.ceil((this.baseRttPs(hops, rateGbps, delayPs) * rateGbps) / 8_000) + this.config.mtuBytes;
  }

  /**
   * A new queue pair from `src` to `dst`: between GPUs of one server with NVLink per
   * message, a handle on the crossbar (its id still counts, so the fabric's flows get the
   * same UDP ports either way); otherwise a packet queue pair (openPacketFlow).
   */
  openFlow(src: number, dst: number): Flow | NvlinkFlow {
    if (this.crossbar && sameNode(this.topology, src, dst)) return new NvlinkFlow(this.nextFlowId(src), src, dst);
    return this.openPacketFlow(src, dst);
  }

  /**
   * A queue pair sending frame by frame, whatever `nvlinkModel` says, with its own UDP
   * source port (its own ECMP hash). Between GPUs of one server it runs over their NVLink
   * port, at NVLink rate, with a default window of one NVLink round trip if that is more
   * than the fabric's.
   */
  /** The running count, unless a run split over threads names the queue pair (NetworkPartition.flowIdFor). */
  private nextFlowId(src: number): number {
    const id = this.partition === null ? -1 : this.partition.flowIdFor(src);
    return id >= 0 ? id : this.flowCount++;
  }

  openPacketFlow(src: number, dst: number): Flow {
    const id = this.nextFlowId(src);
    const sport = 0xc000 | (mix32(id ^ this.portSalt) & 0x3fff);
    const { nics, nvlink } = this.topology;
    const overNvlink = sameNode(this.topology, src, dst);
    const hops = this.topology.hops(src, dst);
    let windowPackets = this.windowPackets;
    if (overNvlink && this.config.windowBytes === undefined)
      windowPackets = Math.max(windowPackets, Math.ceil(this.bdpBytes(hops, nvlink!.gbps, nvlink!.delayPs) / this.config.mtuBytes));
    const flow = new Flow(
      id,
      nics[src]!,
      nics[dst]!,
      fiveTupleHash(src, dst, sport),
      fiveTupleHash(dst, src, sport),
      windowPackets,
      this.config.mtuBytes,
      overNvlink ? nvlink!.gbps : this.topology.hostGbps,
    );
    if (overNvlink) {
      flow.nicPort = NVLINK_PORT;
      flow.baseRttPs = this.baseRttPs(hops, nvlink!.gbps, nvlink!.delayPs);
    } else flow.baseRttPs = this.baseRttPs(this.topology.maxHops); // HPCC's T: the longest path's, as the window (GLOBAL_T)
    // Timers and congestion-control state only where an end is simulated: elsewhere the queue pair is just a handle.
    const partition = this.partition;
    if (partition === null || partition.owns(src) || partition.owns(dst)) nics[src]!.attach(flow);
    partition?.opened(flow);
    return flow;
  }

  /** Sends a message of `bytes` on `flow`; `onDelivered` fires when its last byte has arrived. */
  send(flow: Flow | NvlinkFlow, bytes: number, onDelivered?: (atPs: number) => void): void {
    if (this.attribution) onDelivered = this.attribution.wrap(this.sim.nowPs, onDelivered);
    this.post(flow, bytes, onDelivered, 0);
  }

  /** `send`, its delivery reported as `target.delivered(tag, atPs)` (no closure per message). */
  sendTagged(flow: Flow | NvlinkFlow, bytes: number, target: DeliveryTarget, tag: number): void {
    // Attribution wraps each message's callback (it keeps the cause of the delivery).
    if (this.attribution) return this.send(flow, bytes, (atPs) => target.delivered(tag, atPs));
    this.post(flow, bytes, target, tag);
  }

  /** To the NVLink crossbar, the partition (under `--threads`) or the sending NIC. */
  private post(flow: Flow | NvlinkFlow, bytes: number, receiver: Receiver | undefined, tag: number): void {
    if (flow instanceof NvlinkFlow) this.crossbar!.send(flow, bytes, receiver, tag);
    else if (this.partition !== null) this.partition.send(flow, bytes, receiver, tag);
    else flow.src.send(flow, bytes, receiver, tag);
  }
}
