import type { EventTarget, Simulator } from '../engine/index.js';
import type { NetworkNode } from './node.js';
import type { Packet } from './packet.js';
import { PacketQueue } from './packet-queue.js';

/**
 * A wire: propagation only (the sending port did the serialization). Packets leave in the
 * order they entered and all take the same delay, so one pending event, for the head,
 * is enough however many packets are in flight.
 */
export class Link implements EventTarget {
  private readonly inFlight = new PacketQueue();

  constructor(
    private readonly sim: Simulator,
    readonly delayPs: number,
    readonly to: NetworkNode,
    /** The port number on `to` this link plugs into. */
    readonly toPort: number,
  ) {}

  /** Takes a packet whose last bit leaves the sender at `departPs` (≥ now; in departure order). */
  carry(packet: Packet, departPs: number): void {
    packet.arrivalPs = departPs + this.delayPs;
    this.inFlight.push(packet);
    if (this.inFlight.length === 1) this.sim.at(packet.arrivalPs, this, 0);
  }

  onEvent(): void {
    const packet = this.inFlight.shift()!;
    const next = this.inFlight.peek();
    if (next) this.sim.at(next.arrivalPs, this, 0);
    this.to.receive(packet, this.toPort);
  }
}
