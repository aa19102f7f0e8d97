import type { EventTarget, Rng } from '../engine/index.js';
import type { FabricContext } from './context.js';
import { shouldMarkEcn } from './ecn.js';
import { createBufferPolicy, type BufferPolicy } from './flow-control/index.js';
import type { NetworkNode } from './node.js';
import { PacketKind, type Packet } from './packet.js';
import { Port } from './port.js';
import { ReleaseQueue } from './release-queue.js';
import type { RoutingPolicy, RoutingSwitch } from './routing/index.js';
import { rangeCount, rangeFirst, type PortRange } from './topology/shape.js';

/**
 * A store-and-forward, output-queued switch on one shared buffer. Routing is computed from
 * the destination address by the topology's shape (`route`: the equal-cost ports towards
 * it, a range of port numbers); the routing policy picks among them, so the switch knows
 * neither "up" nor "down" nor any topology. Data packets are admitted by the buffer
 * policy (drop-tail, or PFC); control frames ride their own strict-priority class and
 * are not charged to the data buffer. On the way out, data packets may be ECN-marked
 * and stamped with in-band telemetry.
 */
export class Switch implements NetworkNode, RoutingSwitch, EventTarget {
  readonly ports: Port[] = [];
  /** Equal-cost candidate lists by first port, made once per range (routing then allocates nothing). */
  private readonly candidateRanges: Port[][] = [];
  /** The shape's port sets as Port lists (made once by finishPorts). */
  private setCandidates: readonly (readonly Port[])[] = [];
  buffer!: BufferPolicy;
  maxBufferUsedBytes = 0;
  private bufferUsedBytes = 0;
  /** Data packets in transmission: each holds its buffer until its last bit has left. */
  private releases!: ReleaseQueue;
  /** Its own routing policy under `--threads` (partition/per-node-routing.ts): a field, not a map lookup per packet. */
  ownRouting: RoutingPolicy | undefined = undefined;
  /** This switch's own ECN stream (a run split over threads: no stream shared between nodes); null: the fabric's. */
  ecnRng: Rng | null = null;

  constructor(
    private readonly ctx: FabricContext,
    readonly name: string,
    readonly tier: number,
    readonly salt: number,
    private readonly routing: RoutingPolicy,
    private readonly route: (dst: number, via?: number) => PortRange,
    /** Ports numbered below this face hosts or the tier below; the rest face the tier above (reports group them so). */
    private readonly downPortCount: number,
    /** Candidate lists the shape's route names by portSet(id) (port numbers), when not side by side. */
    private readonly portSets: readonly (readonly number[])[] = [],
  ) {}

  addPort(rateGbps: number): Port {
    const port = new Port(this.ctx.sim, this, this.ports.length, rateGbps, this.ctx.portClocks);
    port.tier = this.tier;
    port.stampHops = this.ctx.attribution !== undefined;
    this.ports.push(port);
    return port;
  }

  /** Sets up the shared buffer once all ports are attached and cabled. */
  finishPorts(): void {
    this.downPorts = this.ports.slice(0, this.downPortCount);
    this.upPorts = this.ports.slice(this.downPortCount);
    this.setCandidates = this.portSets.map((set) => set.map((p) => this.ports[p]!));
    this.releases = new ReleaseQueue(this.ports.length);
    this.injectPorts = this.routing.inject ? this.downPortCount : 0;
    // PFC headroom for the fastest port and the longest cable (a dragonfly's global links are longer than its host links).
    let rateGbps = 0;
    let delayPs = 0;
    for (const port of this.ports) {
      rateGbps = Math.max(rateGbps, port.rateGbps);
      delayPs = Math.max(delayPs, port.link.delayPs);
    }
    this.buffer = createBufferPolicy(this.ctx.config, this.ports.length, rateGbps, delayPs, (port, pause) => this.sendPause(port, pause));
  }

  /** Packets arriving on ports below this enter the fabric here: the routing policy may choose their path first (RoutingPolicy.inject). */
  private injectPorts = 0;

  /** Ports towards hosts or the tier below, and towards the tier above (set by finishPorts). */
  downPorts: readonly Port[] = [];
  upPorts: readonly Port[] = [];

  /** The equal-cost egress ports towards host `dst` (through group `via` on a dragonfly), as the shape routes it. */
  candidatesFor(dst: number, via?: number): readonly Port[] {
    const range = this.route(dst, via);
    return this.candidates(rangeFirst(range), rangeCount(range));
  }

  private candidates(first: number, count: number): readonly Port[] {
    if (count === 0) return first === 0 ? [] : this.setCandidates[first - 1]!;
    let list = this.candidateRanges[first];
    if (list === undefined || list.length !== count) this.candidateRanges[first] = list = this.ports.slice(first, first + count);
    return list;
  }

  get bufferBytes(): number {
    this.settleReleases(this.ctx.sim.nowPs);
    return this.bufferUsedBytes;
  }

  /**
   * Releases the buffer of every packet whose last bit has left by `nowPs`. Done lazily,
   * before the buffer is next read, so a packet costs no event when its transmission
   * ends; only a release that may un-pause an upstream port gets its own event (onEvent).
   */
  private settleReleases(nowPs: number): void {
    const releases = this.releases;
    while (releases.nextEndPs <= nowPs) {
      releases.pop();
      this.bufferUsedBytes -= releases.poppedBytes;
      this.buffer.release(releases.poppedIngress, releases.poppedBytes);
    }
  }

  /** A release due now may send a PFC RESUME. */
  onEvent(): void {
    this.settleReleases(this.ctx.sim.nowPs);
  }

  receive(packet: Packet, ingress: number): void {
    if (ingress < this.injectPorts) this.routing.inject!(packet, this);
    const range = this.route(packet.dstHost, packet.via);
    const count = rangeCount(range);
    let port: Port;
    if (count === 1) port = this.ports[rangeFirst(range)]!;
    else {
      const candidates = this.candidates(rangeFirst(range), count);
      port = candidates.length === 1 ? candidates[0]! : this.routing.choose(candidates, packet, this);
    }
    if (packet.kind === PacketKind.Data) {
      this.settleReleases(this.ctx.sim.nowPs);
      if (!this.buffer.admit(packet, ingress)) {
        this.drop(packet);
        return;
      }
      packet.ingress = ingress;
      this.bufferUsedBytes += packet.sizeBytes;
      if (this.bufferUsedBytes > this.maxBufferUsedBytes) this.maxBufferUsedBytes = this.bufferUsedBytes;
    } else packet.ingress = -1;
    port.enqueue(packet);
  }

  onDeparted(packet: Packet, portIndex: number, endPs: number): void {
    if (packet.ingress < 0) return;
    this.releases.push(endPs, packet.ingress, packet.sizeBytes);
    if (this.buffer.releaseSignals(packet.ingress)) this.ctx.sim.at(endPs, this, 0);
    const { config, metrics } = this.ctx;
    const port = this.ports[portIndex]!;
    if (config.ecn.enabled && !packet.ecn && shouldMarkEcn(port.dataQueuedBytes, config.ecn, this.ecnRng ?? this.ctx.ecnRng)) {
      packet.ecn = true;
      metrics.ecnMarks++;
    }
    if (this.ctx.needs.stampTelemetry) {
      const now = this.ctx.sim.nowPs;
      packet.stampTelemetry(this.ctx.telemetrySlab, port.id, port.dataQueuedBytes, port.txBytes, now, port.rateGbps, port.txRateGbpsAt(now));
    }
  }

  private sendPause(portIndex: number, pause: boolean): void {
    const { pool, config, metrics } = this.ctx;
    const frame = pool.take(pause ? PacketKind.Pause : PacketKind.Resume, null, config.controlBytes, 0, 0);
    if (pause) metrics.pfcPauses++;
    this.ports[portIndex]!.enqueue(frame);
  }

  private drop(packet: Packet): void {
    const metrics = this.ctx.metrics;
    metrics.drops++;
    metrics.dataPacketsDropped++;
    metrics.dataBytesDropped += packet.payloadBytes;
    this.ctx.pool.release(packet);
  }
}
