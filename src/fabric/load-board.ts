import type { EventTarget, Simulator } from '../engine/index.js';
import type { Port } from './port.js';
import { grown } from '../engine/index.js';

/**
 * Queue depths that switches advertise to their upstream neighbours (adaptive-global
 * routing). Every `periodPs` the board samples the data-class bytes queued on each
 * advertised port (snapshot k is taken at k·periodPs); a neighbour h hops upstream sees
 * snapshot k from k·periodPs + h·delayPs on. Before the first snapshot is visible a port
 * advertises nothing (0 bytes).
 *
 * The board stops sampling when nothing else is scheduled (the fabric is idle, so every
 * queue is empty and stays so) and restarts at the next period boundary when a switch
 * reads it again; a snapshot skipped while idle reads as all zeros, which it would have been.
 */
export class LoadBoard implements EventTarget {
  /** Ring of snapshots; slot k % ring holds snapshot k. */
  private readonly slots: Float64Array[];
  private readonly slotK: Int32Array;
  /** Ports sampled, indexed by the board's own dense index. */
  private readonly ports: Port[] = [];
  /** Dense index by port id (ids are unique per network, set before the run), −1: not advertised. */
  private indexOf = new Int32Array(0);
  private lastTakenK = -1;
  private tickPending = false;
  /** The pending snapshot's index, when tickPending. */
  private nextK = 0;
  /** Snapshots taken (for tests and reports). */
  snapshots = 0;

  constructor(
    private readonly sim: Simulator,
    readonly periodPs: number,
    readonly delayPs: number,
    /** The farthest neighbour (in hops) that reads the board. */
    maxHops: number,
  ) {
    if (!(periodPs > 0)) throw new RangeError('adaptiveGlobal.periodUs: must be > 0');
    if (!(delayPs >= 0)) throw new RangeError('adaptiveGlobal.delayUs: must be ≥ 0');
    const ring = Math.ceil((maxHops * delayPs) / periodPs) + 2;
    this.slots = Array.from({ length: ring }, () => new Float64Array(0));
    this.slotK = new Int32Array(ring).fill(-1);
  }

  /** Adds ports to advertise (before the run starts). */
  advertise(ports: readonly Port[]): void {
    for (const port of ports) {
      if (port.id < 0) throw new Error(`LoadBoard: port ${port.index} of ${port.owner.name} has no id yet`);
      if (port.id >= this.indexOf.length) {
        this.indexOf = grown(this.indexOf, Math.max(port.id + 1, 2 * this.indexOf.length), -1);
      }
      if (this.indexOf[port.id]! >= 0) continue;
      this.indexOf[port.id] = this.ports.length;
      this.ports.push(port);
    }
    for (let i = 0; i < this.slots.length; i++) this.slots[i] = new Float64Array(this.ports.length);
  }


  /** Starts (or restarts) sampling at the next period boundary. */
  arm(): void {
    if (this.tickPending) return;
    this.tickPending = true;
    this.nextK = Math.ceil(this.sim.nowPs / this.periodPs);
    this.sim.at(this.nextK * this.periodPs, this, 0);
  }

  onEvent(): void {
    this.tickPending = false;
    const k = Math.round(this.sim.nowPs / this.periodPs);
    const slot = k % this.slots.length;
    const values = this.slots[slot]!;
    const ports = this.ports;
    for (let i = 0; i < ports.length; i++) values[i] = ports[i]!.dataQueuedBytes;
    this.slotK[slot] = k;
    this.lastTakenK = k;
    this.snapshots++;
    // Keep sampling while anything else may still change a queue.
    if (this.sim.pendingEvents > 0) {
      this.tickPending = true;
      this.nextK = k + 1;
      this.sim.at(this.nextK * this.periodPs, this, 0);
    }
  }

  /** Bytes `port` advertised as seen `hops` hops upstream now (0 if not advertised or not yet visible). */
  read(port: Port, hops: number): number {
    const i = port.id < this.indexOf.length ? this.indexOf[port.id]! : -1;
    if (i < 0) return 0;
    let k = Math.floor((this.sim.nowPs - hops * this.delayPs) / this.periodPs);
    // Snapshot k is due at this very instant but its event has not run yet: the previous one is what is visible.
    if (this.tickPending && k === this.nextK) k--;
    if (k < 0 || k > this.lastTakenK) return 0; // nothing visible yet, or taken while idle (all empty)
    const slot = k % this.slots.length;
    if (this.slotK[slot] !== k) return 0; // skipped while idle: every queue was empty
    return this.slots[slot]![i]!;
  }
}
