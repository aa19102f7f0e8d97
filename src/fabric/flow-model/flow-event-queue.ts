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
 *
 * Each key's pending sequence number (+1; 0: none) is kept in an array of its own, or in its
 * owner's records (`keepKeysIn`: FlowNetwork's per-flow numbers, which a Sent event's flow
 * reads anyway: one cache line per event fewer at a million GPUs).
 */
export class FlowEventQueue extends RadixEventQueue {
  /** Whose records hold the keys' pending sequence numbers: its own (one per key) or an owner's. */
  private keys: KeyRecords = { keyRecords: new Float64Array(1024) };
  /** Key k's number is keys.keyRecords[k · keyStride + keyAt]. */
  private keyStride = 1;
  private keyAt = 0;
  private ownKeys = true;
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

  /**
   * Keeps key k's pending sequence number in `owner.keyRecords[k · stride + at]` (0 there:
   * none pending), which the owner grows to cover every key before pushing it. Call before
   * any keyed push.
   */
  keepKeysIn(owner: KeyRecords, stride: number, at: number): void {
    this.keys = owner;
    this.keyStride = stride;
    this.keyAt = at;
    this.ownKeys = false;
  }

  /** Pushes the event of `key` (a small integer), superseding the one it has pending, if any. */
  pushKeyed(timePs: number, target: EventTarget, kind: number, arg: unknown, key: number): void {
    if (this.ownKeys && key >= this.keys.keyRecords.length) this.growKeys(key);
    const records = this.keys.keyRecords;
    const k = key * this.keyStride + this.keyAt;
    if (records[k]! > 0) {
      records[k] = 0;
      this.live--;
      this.superseded++;
    }
    const seq = this.nextSeq++;
    records[k] = seq + 1;
    const slot = this.insert(timePs, target, kind, arg, seq);
    this.tagOf[slot] = key;
    this.live++;
  }

  /** Drops the pending event of `key`, if any. */
  cancel(key: number): void {
    const records = this.keys.keyRecords;
    const k = key * this.keyStride + this.keyAt;
    if (k >= records.length || !(records[k]! > 0)) return;
    records[k] = 0;
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
      if (key >= 0) this.keys.keyRecords[key * this.keyStride + this.keyAt] = 0;
      this.live--;
      return target;
    }
  }

  /** An event of `key` (−1: none) with sequence number `seq` will run: it is not keyed, or its key's pending one. */
  private isLive(key: number, seq: number): boolean {
    return key < 0 || this.keys.keyRecords[key * this.keyStride + this.keyAt] === seq + 1;
  }

  private growKeys(key: number): void {
    let n = this.keys.keyRecords.length;
    while (n <= key) n *= 2;
    this.keys.keyRecords = grown(this.keys.keyRecords, n);
  }
}

/** Records holding a FlowEventQueue's per-key numbers (see keepKeysIn). */
export interface KeyRecords {
  keyRecords: Float64Array;
}
