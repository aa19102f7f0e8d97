import type { EventTarget, Simulator } from '../engine/index.js';
import type { KeyedEventQueue } from '../engine/parallel/keyed-event-queue.js';
import type { NetworkNode } from './node.js';
import { isPfcFrame, PacketKind, WireStore, type Packet, type PacketPool } from './packet.js';
import type { Port } from './port.js';

/** A link's `lose` until failures.ts sets one: shared, so a link costs no closure of its own. */
const keepEverything = (_packet: Packet): void => {};

/** Takes over a link's carrying when its far end is on another thread (partition/network-partition.ts). */
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
  /** Set only under `--threads` for a link to another thread's node (partition/network-partition.ts); null: the link carries packets itself. */
  cut: LinkCarrier | null = null;
  /**
   * Under `--threads` (keyBy): the keyed queue its arrivals go to, each with the key its sender
   * took when it put the packet on the wire, kept in the ring beside its time, and run on the
   * far end's node `toNode`. The head's event is then the very event a packet would get of its
   * own: the next one, scheduled when the head arrives, has a later (time, key) — a later time,
   * or the same sender's later key — so the order of events is unchanged, with one pending
   * event per link instead of one per packet. null: the simulator's own order.
   */
  private keyed: KeyedEventQueue | null = null;
  private toNode = -1;

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

  /** Arrival events from now on go to `queue` keyed by their senders, run on node `toNode` (a run split over threads). */
  keyBy(queue: KeyedEventQueue, toNode: number): void {
    if (this.wireLength > 0) throw new Error('link: keyed with packets on the wire');
    this.keyed = queue;
    this.toNode = toNode;
    this.wires.keepKeys();
  }

  /** Takes a packet whose last bit leaves the sender at `departPs` (≥ now; in departure order). */
  carry(packet: Packet, departPs: number): void {
    if (this.down) return this.lose(packet);
    if (this.cut !== null) return this.cut.carry(packet, departPs);
    const arrivalPs = departPs + this.delayPs;
    if (this.keyed !== null) return this.arrive(packet, arrivalPs, this.keyed.takeKey());
    this.append(packet, arrivalPs);
    if (this.wireLength === 1) this.sim.at(arrivalPs, this, 0);
  }

  /**
   * Under `--threads`: a packet another thread put on this link, handed over after its window.
   * A link down now went down while it was on the wire (the windows break at every failure,
   * so it was sent in the failure's own picosecond, before the failure: a sender after it found
   * the link down): it is lost on arrival, as `fail` loses what is on the wire.
   */
  arriveFromThread(packet: Packet, arrivalPs: number, key: number): void {
    this.arrive(packet, arrivalPs, key);
    if (this.down) this.lostInFlight++;
  }

  /**
   * Under `--threads` (keyBy): a packet arriving at `arrivalPs` with event key `key`, put on
   * the wire here or, for a link from another thread's node, by that thread (in the order it
   * sent them, so still in arrival order).
   */
  arrive(packet: Packet, arrivalPs: number, key: number): void {
    // The slot first: append may grow the store, which replaces its arrays (`this.wires.keys[this.append(…)]` read the old one first and lost the key).
    const slot = this.append(packet, arrivalPs);
    this.wires.keys[slot] = key;
    if (this.wireLength === 1) this.keyed!.pushKeyed(arrivalPs, this, 0, undefined, key, this.toNode);
  }

  /** Puts a packet at the ring's tail (growing it if full); returns its slot in the wire store. */
  private append(packet: Packet, arrivalPs: number): number {
    if (this.wireLength > this.wireMask) this.growWire();
    const i = this.wireBase + ((this.wireHead + this.wireLength) & this.wireMask);
    const wires = this.wires;
    wires.packets[i] = packet;
    wires.timesPs[i] = arrivalPs;
    this.wireLength++;
    return i;
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
    const keys = wires.keys;
    const keyed = this.keyed !== null;
    for (let i = 0; i < this.wireLength; i++) {
      const from = oldBase + ((this.wireHead + i) & oldMask);
      packets[base + i] = packets[from];
      times[base + i] = times[from]!;
      if (keyed) keys[base + i] = keys[from]!;
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
    if (--this.wireLength > 0) {
      const next = this.wireBase + this.wireHead;
      if (this.keyed === null) this.sim.at(wires.timesPs[next]!, this, 0);
      else this.keyed.pushKeyed(wires.timesPs[next]!, this, 0, undefined, wires.keys[next]!, this.toNode);
    }
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
