import type { EventTarget, Simulator } from '../engine/index.js';
import type { NetworkNode } from './node.js';
import { isPfcFrame, PacketKind, type Packet, type PacketPool } from './packet.js';
import type { Port } from './port.js';

/**
 * A wire: propagation only (the sending port did the serialization). Packets leave in the
 * order they entered and all take the same delay, so one pending event, for the head,
 * is enough however many packets are in flight. A PFC frame is MAC control: the port it
 * arrives at consumes it (pauses or resumes its own data class); the node never sees it.
 */
/** A link's `lose` until failures.ts sets one: shared, so a link costs no closure of its own. */
const keepEverything = (_packet: Packet): void => {};
/** Shared by every link that has never carried a packet. */
const NO_SLOTS: (Packet | undefined)[] = [];
const NO_TIMES = new Float64Array(0);

/** Takes over a link's carrying when a run is split over threads (partition/network-partition.ts): one event per packet, keyed by its sender. */
export interface LinkCarrier {
  carry(packet: Packet, departPs: number): void;
}

export class Link implements EventTarget {
  /**
   * Packets on the wire and their arrival times, in a ring kept in the link itself: the next
   * arrival's time is read without touching the next packet (or another object).
   */
  private wireSlots: (Packet | undefined)[] = NO_SLOTS;
  private wireTimesPs = NO_TIMES;
  private wireHead = 0;
  private wireLength = 0;
  readonly to: NetworkNode;
  /** The port number on `to` this link plugs into. */
  readonly toPort: number;
  /** Down (failures.ts): packets put on it, or on it when it failed, are lost through `lose`. */
  down = false;
  /** Packets in flight when the link went down: the next this many arrivals are lost. */
  lostInFlight = 0;
  lose: (packet: Packet) => void = keepEverything;
  /** Set only under `--threads` (partition/network-partition.ts); null: the link carries packets itself. */
  cut: LinkCarrier | null = null;

  constructor(
    private readonly sim: Simulator,
    readonly delayPs: number,
    /** The port at the far end. */
    private readonly peer: Port,
    /** Where consumed PFC frames go back (none: they are left to the garbage collector). */
    private readonly pool: PacketPool | null = null,
  ) {
    this.to = peer.owner;
    this.toPort = peer.index;
  }

  /** The link fails: what is on the wire now will not arrive. */
  fail(): void {
    if (!this.down) this.lostInFlight = this.wireLength;
    this.down = true;
  }

  /** Takes a packet whose last bit leaves the sender at `departPs` (≥ now; in departure order). */
  carry(packet: Packet, departPs: number): void {
    if (this.down) return this.lose(packet);
    if (this.cut !== null) return this.cut.carry(packet, departPs);
    const arrivalPs = departPs + this.delayPs;
    if (this.wireSlots.length === this.wireLength) this.growWire();
    const i = (this.wireHead + this.wireLength) & (this.wireSlots.length - 1);
    this.wireSlots[i] = packet;
    this.wireTimesPs[i] = arrivalPs;
    if (++this.wireLength === 1) this.sim.at(arrivalPs, this, 0);
  }

  private growWire(): void {
    const oldSlots = this.wireSlots;
    const oldTimes = this.wireTimesPs;
    const capacity = oldSlots.length === 0 ? 4 : oldSlots.length * 2;
    const slots: (Packet | undefined)[] = new Array(capacity).fill(undefined);
    const times = new Float64Array(capacity);
    const mask = oldSlots.length - 1;
    for (let i = 0; i < this.wireLength; i++) {
      slots[i] = oldSlots[(this.wireHead + i) & mask];
      times[i] = oldTimes[(this.wireHead + i) & mask]!;
    }
    this.wireSlots = slots;
    this.wireTimesPs = times;
    this.wireHead = 0;
  }

  onEvent(): void {
    const slots = this.wireSlots;
    const packet = slots[this.wireHead]!;
    slots[this.wireHead] = undefined;
    this.wireHead = (this.wireHead + 1) & (slots.length - 1);
    if (--this.wireLength > 0) this.sim.at(this.wireTimesPs[this.wireHead]!, this, 0);
    if (this.lostInFlight > 0) {
      this.lostInFlight--;
      return this.lose(packet);
    }
    if (isPfcFrame(packet.kind)) {
      this.peer.setPaused(packet.kind === PacketKind.Pause);
      this.pool?.release(packet);
      return;
    }
    this.to.receive(packet, this.toPort);
  }
}
