import type { EventTarget, Simulator } from '../engine/index.js';
import type { NetworkNode } from './node.js';
import { isPfcFrame, PacketKind, WireStore, type Packet, type PacketPool } from './packet.js';
import type { Port } from './port.js';

/** A link's `lose` until failures.ts sets one: shared, so a link costs no closure of its own. */
const keepEverything = (_packet: Packet): void => {};

/** Takes over a link's carrying when a run is split over threads (partition/network-partition.ts): one event per packet, keyed by its sender. */
export interface LinkCarrier {
  carry(packet: Packet, departPs: number): void;
}

/**
 * A wire: propagation only (the sending port did the serialization). Packets leave in the
 * order they entered and all take the same delay, so one pending event, for the head,
 * is enough however many packets are in flight. A PFC frame is MAC control: the port it
 * arrives at consumes it (pauses or resumes its own data class); the node never sees it.
 */
export class Link implements EventTarget {
  /**
   * Packets on the wire and their arrival times: a ring at `wireBase` in the fabric's
   * WireStore (one per link without a pool), so the next arrival's time is read without
   * touching the next packet, and no array of the link's own is touched.
   */
  private readonly wires: WireStore;
  private wireBase = 0;
  /** Ring capacity − 1 (a power of two; −1: no region yet). */
  private wireMask = -1;
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
    this.wires = pool === null ? new WireStore() : pool.wires;
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
    if (this.wireLength > this.wireMask) this.growWire();
    const i = this.wireBase + ((this.wireHead + this.wireLength) & this.wireMask);
    const wires = this.wires;
    wires.packets[i] = packet;
    wires.timesPs[i] = arrivalPs;
    if (++this.wireLength === 1) this.sim.at(arrivalPs, this, 0);
  }

  /** Moves the ring to a region twice its size. */
  private growWire(): void {
    const wires = this.wires;
    const oldBase = this.wireBase;
    const oldMask = this.wireMask;
    const capacity = oldMask < 0 ? 4 : 2 * (oldMask + 1);
    const base = wires.take(capacity);
    const packets = wires.packets;
    const times = wires.timesPs;
    for (let i = 0; i < this.wireLength; i++) {
      const from = oldBase + ((this.wireHead + i) & oldMask);
      packets[base + i] = packets[from];
      times[base + i] = times[from]!;
      packets[from] = undefined;
    }
    this.wireBase = base;
    this.wireMask = capacity - 1;
    this.wireHead = 0;
  }

  onEvent(): void {
    const wires = this.wires;
    const i = this.wireBase + this.wireHead;
    const packet = wires.packets[i]!;
    wires.packets[i] = undefined;
    this.wireHead = (this.wireHead + 1) & this.wireMask;
    if (--this.wireLength > 0) this.sim.at(wires.timesPs[this.wireBase + this.wireHead]!, this, 0);
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
