import { serializationPs, type EventTarget, type Simulator } from '../engine/index.js';
import type { Link } from './link.js';
import type { NetworkNode, PacketSource } from './node.js';
import { PacketKind, type Packet } from './packet.js';
import { PacketQueue } from './packet-queue.js';

/** Window over which a port measures its egress rate for telemetry. */
const RATE_WINDOW_PS = 2_000_000;

/**
 * An egress port: output queues that serialize one packet at a time onto its link.
 * Two classes: control frames (ACK, NACK, CNP, PFC) go first and are never paused; data
 * is the lossless class a PFC PAUSE stops. A busy port has exactly one pending event
 * (its current packet's last bit leaving). Byte counts include the packet being
 * serialized: it holds buffer until it has left.
 */
export class Port implements EventTarget {
  /** PFC frames: MAC control, sent ahead of everything queued (after the frame in progress). */
  private readonly macControl = new PacketQueue();
  private readonly control = new PacketQueue();
  private readonly data = new PacketQueue();
  private current: Packet | null = null;
  link!: Link;
  /** Where an idle port with an empty data queue asks for more (a NIC's data scheduler). */
  source: PacketSource | null = null;
  queuedBytes = 0;
  /** Data-class bytes queued or serializing: what ECN, adaptive routing and telemetry read. */
  dataQueuedBytes = 0;
  maxQueuedBytes = 0;
  txBytes = 0;
  /** Data packets sent: summed over every port, the fabric's data packet-hops. */
  dataPacketsTx = 0;
  /** Picoseconds this port spent serializing: utilization = busyPs / elapsed. */
  busyPs = 0;
  /** Egress rate over the last completed measurement window (what telemetry reports). */
  private measuredRateGbps = 0;
  private rateWindowStartPs = 0;
  private rateWindowBytes = 0;
  /** Data class stopped by a PFC PAUSE from the far end. */
  paused = false;
  pausesReceived = 0;
  pausedPs = 0;
  private pausedSincePs = 0;

  /** Unique within a network (set once it is built), so telemetry can tell ports apart. */
  id = -1;

  constructor(
    private readonly sim: Simulator,
    readonly owner: NetworkNode,
    readonly index: number,
    readonly rateGbps: number,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  enqueue(packet: Packet): void {
    this.queuedBytes += packet.sizeBytes;
    if (this.queuedBytes > this.maxQueuedBytes) this.maxQueuedBytes = this.queuedBytes;
    if (packet.kind === PacketKind.Data) {
      this.dataQueuedBytes += packet.sizeBytes;
      this.data.push(packet);
    } else if (packet.kind === PacketKind.Pause) this.macControl.push(packet);
    else this.control.push(packet);
    if (this.current === null) this.startNext();
  }

  /** Tells an idle port that its source may have something to send now. */
  kick(): void {
    if (this.current === null) this.startNext();
  }

  /** A PFC frame arrived for this port's data class. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
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
    const elapsedPs = nowPs - this.rateWindowStartPs;
    return elapsedPs > RATE_WINDOW_PS ? (this.rateWindowBytes * 8_000) / elapsedPs : this.measuredRateGbps;
  }

  /** Paused time so far, including a pause still in force. */
  pausedPsAt(nowPs: number): number {
    return this.pausedPs + (this.paused ? nowPs - this.pausedSincePs : 0);
  }

  private startNext(): void {
    let packet = this.macControl.shift() ?? this.control.shift();
    if (packet === null && !this.paused) {
      packet = this.data.shift();
      if (packet === null && this.source !== null) {
        const pulled = this.source.pull();
        if (pulled === null) return;
        this.queuedBytes += pulled.sizeBytes;
        this.dataQueuedBytes += pulled.sizeBytes;
        packet = pulled;
      }
    }
    if (packet === null) return;
    this.current = packet;
    const txPs = serializationPs(packet.sizeBytes, this.rateGbps);
    this.busyPs += txPs;
    this.sim.schedule(txPs, this, 0);
  }

  private measureRate(bytes: number): void {
    const now = this.sim.nowPs;
    const elapsedPs = now - this.rateWindowStartPs;
    if (elapsedPs >= RATE_WINDOW_PS) {
      this.measuredRateGbps = (this.rateWindowBytes * 8_000) / elapsedPs;
      this.rateWindowStartPs = now;
      this.rateWindowBytes = 0;
    }
    this.rateWindowBytes += bytes;
  }

  /** The current packet's last bit has left: hand it to the link, start the next one. */
  onEvent(): void {
    const packet = this.current!;
    this.current = null;
    this.queuedBytes -= packet.sizeBytes;
    if (packet.kind === PacketKind.Data) {
      this.dataQueuedBytes -= packet.sizeBytes;
      this.dataPacketsTx++;
    }
    this.txBytes += packet.sizeBytes;
    this.measureRate(packet.sizeBytes);
    this.owner.onDeparted(packet, this.index);
    this.link.carry(packet);
    this.startNext();
  }
}
