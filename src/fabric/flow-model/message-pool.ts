import { grown } from '../../engine/index.js';

/** Receives deliveries by tag: one object for many messages, told apart by the tag (no closure per message). */
export interface DeliveryTarget {
  delivered(tag: number, atPs: number): void;
}

/**
 * The flow model's messages in flight as slots of growable typed arrays (a free list links
 * unused slots, `next` also links each flow's FIFO): no object per message, which at a
 * million GPUs is tens of millions of short-lived objects for the garbage collector.
 */
export class MessagePool {
  bytes = new Float64Array(1024);
  /** On the wire: payload plus a header per MTU-sized frame. */
  wireBytes = new Float64Array(1024);
  frames = new Float64Array(1024);
  postedPs = new Float64Array(1024);
  /** The next slot of the flow's FIFO, or of the free list; −1: none. */
  next = new Int32Array(1024).fill(-1);
  /** A tagged message's tag (its target in `targets`). */
  tags = new Float64Array(1024);
  private readonly onDelivered: (((atPs: number) => void) | undefined)[] = [];
  private readonly targets: (DeliveryTarget | undefined)[] = [];
  private freeHead = -1;
  private used = 0;

  alloc(bytes: number, wireBytes: number, frames: number, postedPs: number, onDelivered: ((atPs: number) => void) | undefined): number {
    let slot = this.freeHead;
    if (slot >= 0) this.freeHead = this.next[slot]!;
    else {
      if (this.used === this.bytes.length) this.grow();
      slot = this.used++;
      this.onDelivered.push(undefined);
      this.targets.push(undefined);
    }
    this.bytes[slot] = bytes;
    this.wireBytes[slot] = wireBytes;
    this.frames[slot] = frames;
    this.postedPs[slot] = postedPs;
    this.next[slot] = -1;
    this.onDelivered[slot] = onDelivered;
    return slot;
  }

  /** A slot's message reports its delivery to `target` with `tag` (instead of a callback). */
  tag(slot: number, target: DeliveryTarget, tag: number): void {
    this.targets[slot] = target;
    this.tags[slot] = tag;
  }

  /** The slot's target, if tagged (read before `free`). */
  targetOf(slot: number): DeliveryTarget | undefined {
    return this.targets[slot];
  }

  /** Returns the slot to the free list; gives back its callback. */
  free(slot: number): ((atPs: number) => void) | undefined {
    const onDelivered = this.onDelivered[slot];
    this.onDelivered[slot] = undefined;
    this.targets[slot] = undefined;
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
    return onDelivered;
  }

  private grow(): void {
    const n = this.bytes.length * 2;
    this.bytes = grown(this.bytes, n);
    this.wireBytes = grown(this.wireBytes, n);
    this.frames = grown(this.frames, n);
    this.postedPs = grown(this.postedPs, n);
    this.next = grown(this.next, n, -1);
    this.tags = grown(this.tags, n);
  }
}
