import { serializationPs, type EventTarget, type Simulator } from '../engine/index.js';
import type { Link } from './link.js';
import { BUSY_PS, END_PS, MEASURED_GBPS, PortClocks, WINDOW_START_PS } from './port-clocks.js';
import type { NetworkNode, PacketSource } from './node.js';
import { isPfcFrame, PacketKind, type Packet } from './packet.js';
import { stampDeparture, stampEnqueued } from './attribution/packet-hops.js';

/** Window over which a port measures its egress rate for telemetry. */
const RATE_WINDOW_PS = 2_000_000;

/**
 * An egress port: output queues that serialize one packet at a time onto its link.
 * Two classes: control frames (ACK, NACK, CNP, PFC) go first and are never paused; data
 * is the lossless class a PFC PAUSE stops. Byte counts include the packet being
 * serialized: it holds its place until its last bit has left.
 *
 * A packet is committed when its transmission starts: it leaves the queue, the switch's
 * egress pipeline sees it (ECN, telemetry; the buffer is released when its last bit has
 * left) and the wire takes it with its arrival time. The port needs an event at the end of a transmission only if something is
 * waiting then (queued, pulled from a source, or a kick while busy), so a packet crossing
 * idle ports costs one event per hop (its arrival), not two.
 */
export class Port implements EventTarget {
  // Fields in the order a hop reads them (the object spans several cache lines): what routing
  // checks, the clock, then the queues.
  /** What ECMP-family routing sees: `down`, routingReconvergeUs after it changed. */
  routeDown = false;
  /** A failure somewhere has been routed around: routing checks the next switch still reaches the destination. */
  checkOnward = false;
  /** The link is down (failures.ts): what adaptive routing sees at once. */
  down = false;
  /** Data packets log their wait and wire time here (a run asking where the time goes); off, it costs one test per packet. */
  stampHops = false;
  private readonly sim: Simulator;
  /** This port's record in `clocks` (when its frame ends, busy time, rate window): see PortClocks. */
  private readonly clocks: PortClocks;
  private readonly clock: number;
  /**
   * Three FIFOs linked through `Packet.next`, head and tail kept in the port itself (a queue
   * object of its own would be one more cache line per enqueue and dequeue): PFC frames (MAC
   * control, sent ahead of everything queued, after the frame in progress), control frames,
   * data.
   */
  private macHead: Packet | null = null;
  private macTail: Packet | null = null;
  private controlHead: Packet | null = null;
  private controlTail: Packet | null = null;
  private dataHead: Packet | null = null;
  private dataTail: Packet | null = null;
  /** The frame in transmission until `currentEndPs`, and whether it is data. */
  private currentBytes = 0;
  private currentIsData = false;
  /** An event is pending at `currentEndPs` to start the next frame. */
  private wakePending = false;
  link!: Link;
  /** Where an idle port with an empty data queue asks for more (a NIC's data scheduler). */
  source: PacketSource | null = null;
  /** Bytes waiting behind the frame in transmission, all classes and data only. */
  private waitingBytes = 0;
  private waitingDataBytes = 0;
  maxQueuedBytes = 0;
  txBytes = 0;
  /** Data packets sent: summed over every port, the fabric's data packet-hops. */
  dataPacketsTx = 0;
  /** Bytes sent in the current rate window (the rate measured over the last one is in `clocks`: what telemetry reports). */
  private rateWindowBytes = 0;
  /** Data class stopped by a PFC PAUSE from the far end. */
  paused = false;
  pausesReceived = 0;
  pausedPs = 0;
  private pausedSincePs = 0;

  /** Unique within a network (set once it is built), so telemetry can tell ports apart. */
  id = -1;
  /** Tier of the switch it belongs to (TopologyShape.tierNames), −1 on a NIC. */
  tier = -1;

  constructor(
    sim: Simulator,
    readonly owner: NetworkNode,
    readonly index: number,
    /** Serialization rate; a degraded link's ports get a lower one for a while (failures.ts). */
    public rateGbps: number,
    /** The fabric's port records (a port of its own when none is given). */
    clocks: PortClocks = new PortClocks(),
  ) {
    this.sim = sim;
    this.clocks = clocks;
    this.clock = clocks.take();
    this.nominalRateGbps = rateGbps;
  }

  /** The rate the port was built with (what a failed link's `up` restores). */
  readonly nominalRateGbps: number;

  /** When the frame in transmission ends (in the past: none). */
  private get currentEndPs(): number {
    return this.clocks.values[this.clock + END_PS]!;
  }

  /** Picoseconds this port spent serializing: utilization = busyPs / elapsed. */
  get busyPs(): number {
    return this.clocks.values[this.clock + BUSY_PS]!;
  }

  set busyPs(ps: number) {
    this.clocks.values[this.clock + BUSY_PS] = ps;
  }

  get busy(): boolean {
    return this.sim.nowPs < this.currentEndPs;
  }

  /** Bytes queued, the frame in transmission included. */
  get queuedBytes(): number {
    return this.waitingBytes + (this.sim.nowPs < this.currentEndPs ? this.currentBytes : 0);
  }

  /** Data-class bytes queued or serializing: what ECN, adaptive routing and telemetry read. */
  get dataQueuedBytes(): number {
    return this.waitingDataBytes + (this.currentIsData && this.sim.nowPs < this.currentEndPs ? this.currentBytes : 0);
  }

  enqueue(packet: Packet): void {
    const size = packet.sizeBytes;
    this.waitingBytes += size;
    packet.next = null;
    if (packet.kind === PacketKind.Data) {
      this.waitingDataBytes += size;
      if (this.stampHops) stampEnqueued(packet, this, this.sim.nowPs);
      if (this.dataTail === null) this.dataHead = packet;
      else this.dataTail.next = packet;
      this.dataTail = packet;
    } else if (isPfcFrame(packet.kind)) {
      if (this.macTail === null) this.macHead = packet;
      else this.macTail.next = packet;
      this.macTail = packet;
    } else {
      if (this.controlTail === null) this.controlHead = packet;
      else this.controlTail.next = packet;
      this.controlTail = packet;
    }
    const queued = this.queuedBytes;
    if (queued > this.maxQueuedBytes) this.maxQueuedBytes = queued;
    this.kick();
  }

  /** Starts the next frame now if idle, else makes sure the port wakes when the current one ends. */
  kick(): void {
    if (this.busy) this.wakeAtEnd();
    else this.startNext();
  }

  /** A PFC frame arrived for this port's data class. */
  setPaused(paused: boolean): void {
    if (paused === this.paused || (paused && this.down)) return;
    this.paused = paused;
    if (paused) {
      this.pausesReceived++;
      this.pausedSincePs = this.sim.nowPs;
    } else {
      this.pausedPs += this.sim.nowPs - this.pausedSincePs;
      this.kick();
    }
  }

  /**
   * Egress rate as a switch measures it for telemetry: bytes sent over the last window of
   * RATE_WINDOW_PS; after an idle stretch the open window's lower average takes over.
   */
  txRateGbpsAt(nowPs: number): number {
    const clocks = this.clocks.values;
    const elapsedPs = nowPs - clocks[this.clock + WINDOW_START_PS]!;
    return elapsedPs > RATE_WINDOW_PS ? (this.rateWindowBytes * 8_000) / elapsedPs : clocks[this.clock + MEASURED_GBPS]!;
  }

  /** Paused time so far, including a pause still in force. */
  pausedPsAt(nowPs: number): number {
    return this.pausedPs + (this.paused ? nowPs - this.pausedSincePs : 0);
  }

  private wakeAtEnd(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    this.sim.at(this.currentEndPs, this, 0);
  }

  /** Starts the next frame, if any: control first, then data unless paused, then the source. */
  private startNext(): void {
    let packet = this.macHead;
    if (packet !== null) {
      this.macHead = packet.next;
      if (this.macHead === null) this.macTail = null;
    } else if ((packet = this.controlHead) !== null) {
      this.controlHead = packet.next;
      if (this.controlHead === null) this.controlTail = null;
    } else if (!this.paused) {
      if ((packet = this.dataHead) !== null) {
        this.dataHead = packet.next;
        if (this.dataHead === null) this.dataTail = null;
      } else if (this.source !== null) {
        const pulled = this.source.pull();
        if (pulled === null) return;
        this.waitingBytes += pulled.sizeBytes;
        this.waitingDataBytes += pulled.sizeBytes;
        packet = pulled;
      }
    }
    if (packet === null) return;
    packet.next = null;
    const size = packet.sizeBytes;
    const isData = packet.kind === PacketKind.Data;
    const now = this.sim.nowPs;
    const txPs = serializationPs(size, this.rateGbps);
    this.waitingBytes -= size;
    if (isData) {
      this.waitingDataBytes -= size;
      this.dataPacketsTx++;
      if (this.stampHops) stampDeparture(packet, this, now, txPs);
    }
    const clocks = this.clocks.values;
    const clock = this.clock;
    clocks[clock + BUSY_PS] += txPs;
    this.txBytes += size;
    this.measureRate(size, clocks, now);
    // The egress pipeline sees the queue behind this packet (ECN, telemetry), as at dequeue.
    this.owner.onDeparted(packet, this.index, now + txPs);
    this.currentBytes = size;
    this.currentIsData = isData;
    const endPs = now + txPs;
    clocks[clock + END_PS] = endPs;
    this.link.carry(packet, endPs);
    if (this.hasWaiting()) this.wakeAtEnd();
  }

  /** Is anything queued, or ready at the source, that the port may send next? */
  private hasWaiting(): boolean {
    return (
      this.macHead !== null ||
      this.controlHead !== null ||
      (!this.paused && (this.dataHead !== null || (this.source !== null && this.source.hasWork)))
    );
  }

  private measureRate(bytes: number, clocks: Float64Array, now: number): void {
    const elapsedPs = now - clocks[this.clock + WINDOW_START_PS]!;
    if (elapsedPs >= RATE_WINDOW_PS) {
      clocks[this.clock + MEASURED_GBPS] = (this.rateWindowBytes * 8_000) / elapsedPs;
      clocks[this.clock + WINDOW_START_PS] = now;
      this.rateWindowBytes = 0;
    }
    this.rateWindowBytes += bytes;
  }

  /** The frame in transmission has ended and something was waiting: start the next one. */
  onEvent(): void {
    this.wakePending = false;
    if (this.sim.nowPs < this.currentEndPs) {
      // A frame was started at this instant by an enqueue that ran first: wait for its end.
      if (this.hasWaiting()) this.wakeAtEnd();
      return;
    }
    this.startNext();
  }
}
