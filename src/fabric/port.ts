import { serializationPs, type EventTarget, type Simulator } from '../engine/index.js';
import { Fifo } from './fifo.js';
import type { Link } from './link.js';
import type { NetworkNode, PacketSource } from './node.js';
import type { Packet } from './packet.js';

/**
 * An egress port: a FIFO output queue that serializes one packet at a time onto its link.
 * A busy port has exactly one pending event (its current packet's last bit leaving).
 * `queuedBytes` counts the packet being serialized too: it holds buffer until it has left.
 */
export class Port implements EventTarget {
  private readonly queue = new Fifo<Packet>();
  private current: Packet | null = null;
  link!: Link;
  /** Where an idle port with an empty queue asks for more (a NIC's data scheduler). */
  source: PacketSource | null = null;
  queuedBytes = 0;
  maxQueuedBytes = 0;
  txBytes = 0;
  /** Picoseconds this port spent serializing: utilization = busyPs / elapsed. */
  busyPs = 0;

  constructor(
    private readonly sim: Simulator,
    readonly owner: NetworkNode,
    readonly index: number,
    readonly rateGbps: number,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  enqueue(packet: Packet): void {
    this.queuedBytes += packet.sizeBytes;
    if (this.queuedBytes > this.maxQueuedBytes) this.maxQueuedBytes = this.queuedBytes;
    if (this.current === null) this.transmit(packet);
    else this.queue.push(packet);
  }

  /** Tells an idle port that its source may have something to send now. */
  kick(): void {
    if (this.current !== null || this.source === null) return;
    const packet = this.source.pull();
    if (packet) this.enqueue(packet);
  }

  private transmit(packet: Packet): void {
    this.current = packet;
    const txPs = serializationPs(packet.sizeBytes, this.rateGbps);
    this.busyPs += txPs;
    this.sim.schedule(txPs, this, 0);
  }

  /** The current packet's last bit has left: hand it to the link, start the next one. */
  onEvent(): void {
    const packet = this.current!;
    this.current = null;
    this.queuedBytes -= packet.sizeBytes;
    this.txBytes += packet.sizeBytes;
    this.owner.onDeparted(packet, this.index);
    this.link.carry(packet);
    const queued = this.queue.shift();
    if (queued) this.transmit(queued);
    else this.kick();
  }
}
