import { grown, RadixEventQueue, type EventTarget } from '../../engine/index.js';

/**
 * The flow model's event queue: the engine's radix heap (RadixEventQueue: time, then one
 * sequence number per push, the order of the 4-ary TypedEventQueue), with events that can be
 * superseded.
 *
 * Keyed events (a flow's pending Sent): `pushKeyed` supersedes the key's previous event,
 * which is then dropped when it reaches the front, never run (the flow model had to run it
 * and ignore it). Superseded events take their sequence numbers with them, so the events
 * that do run keep exactly the relative order they had.
 */
export class FlowEventQueue extends RadixEventQueue {
  /** Per key: the sequence number of its pending event, −1: none. */
  private liveSeq = new Float64Array(1024).fill(-1);
  private live = 0;
  /** Keyed events superseded before they ran. */
  superseded = 0;

  /** Events that will run (superseded ones not counted). */
  override get size(): number {
    return this.live;
  }

  override push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    // Insert first: it may grow the slot arrays, tagOf among them.
    const slot = this.insert(timePs, target, kind, arg, this.nextSeq++);
    this.tagOf[slot] = -1;
    this.live++;
  }

  /** Pushes the event of `key` (a small integer), superseding the one it has pending, if any. */
  pushKeyed(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number): void {
    if (key >= this.liveSeq.length) this.growKeys(key);
    if (this.liveSeq[key]! >= 0) this.cancel(key);
    const seq = this.nextSeq++;
    this.liveSeq[key] = seq;
    const slot = this.insert(timePs, target, kind, arg, seq);
    this.tagOf[slot] = key;
    this.live++;
  }

  /** Drops the pending event of `key`, if any. */
  cancel(key: number): void {
    if (key >= this.liveSeq.length || this.liveSeq[key]! < 0) return;
    this.liveSeq[key] = -1;
    this.live--;
    this.superseded++;
  }

  override peekTimePs(): number {
    for (;;) {
      if (this.live === 0) return Infinity;
      // Superseded events at the front go now, so the time returned is one that will run.
      const slot = this.frontSlot();
      if (this.isLive(this.tagOf[slot]!, this.frontKey())) return super.peekTimePs();
      super.pop();
    }
  }

  override pop(): EventTarget | undefined {
    for (;;) {
      if (this.live === 0) return undefined;
      const target = super.pop();
      const key = this.tagOf[this.poppedSlot]!;
      if (!this.isLive(key, this.poppedKey)) continue;
      if (key >= 0) this.liveSeq[key] = -1;
      this.live--;
      return target;
    }
  }

  /** An event of `key` (−1: none) with sequence number `seq` will run: it is not keyed, or its key's pending one. */
  private isLive(key: number, seq: number): boolean {
    return key < 0 || this.liveSeq[key] === seq;
  }

  private growKeys(key: number): void {
    let n = this.liveSeq.length;
    while (n <= key) n *= 2;
    this.liveSeq = grown(this.liveSeq, n, -1);
  }
}
