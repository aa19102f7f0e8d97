import type { DeliveryTarget } from '../fabric-model.js';

// A message's record: REC doubles (64 bytes, one cache line) — what posting, sending and
// delivering it read, together (an array per field was a cache line per field: at a million
// GPUs, tens of millions of messages each missed in five or six arrays).
const REC = 8;
const BYTES = 0;
/** On the wire: payload plus a header per MTU-sized frame. */
const WIRE_BYTES = 1;
const FRAMES = 2;
const POSTED_PS = 3;
/** A tagged message's tag (its receiver is then a DeliveryTarget). */
const TAG = 4;
// Ints of the record (Int32Array on the same buffer, 2·REC per slot), after the five doubles.
/** The next slot of the flow's FIFO, or of the free list; −1: none. */
const NEXT = 10;
/** 1: tagged (its receiver is a DeliveryTarget); 0: its receiver is a callback, or none. */
const TAGGED = 11;

/**
 * The flow model's messages in flight as slots of a growable typed array of records (a free
 * list links unused slots, `next` also links each flow's FIFO): no object per message, which
 * at a million GPUs is tens of millions of short-lived objects for the garbage collector.
 */
export class MessagePool {
  private rec = new Float64Array(1024 * REC);
  /** The same records as ints (a new view whenever rec grows). */
  private ints = new Int32Array(this.rec.buffer);
  /** Per slot: its callback, or its target when tagged. */
  private readonly receivers: (DeliveryTarget | ((atPs: number) => void) | undefined)[] = [];
  private freeHead = -1;
  private used = 0;

  alloc(bytes: number, wireBytes: number, frames: number, postedPs: number, onDelivered: ((atPs: number) => void) | undefined): number {
    let slot = this.freeHead;
    if (slot >= 0) this.freeHead = this.ints[slot * 2 * REC + NEXT]!;
    else {
      if (this.used * REC === this.rec.length) this.grow();
      slot = this.used++;
      this.receivers.push(undefined);
    }
    const r = slot * REC;
    const rec = this.rec;
    rec[r + BYTES] = bytes;
    rec[r + WIRE_BYTES] = wireBytes;
    rec[r + FRAMES] = frames;
    rec[r + POSTED_PS] = postedPs;
    this.ints[2 * r + NEXT] = -1;
    this.ints[2 * r + TAGGED] = 0;
    if (onDelivered !== undefined) this.receivers[slot] = onDelivered;
    return slot;
  }

  /** A slot's message reports its delivery to `target` with `tag` (instead of a callback). */
  tag(slot: number, target: DeliveryTarget, tag: number): void {
    this.receivers[slot] = target;
    this.rec[slot * REC + TAG] = tag;
    this.ints[slot * 2 * REC + TAGGED] = 1;
  }

  bytesOf(slot: number): number {
    return this.rec[slot * REC + BYTES]!;
  }

  wireBytesOf(slot: number): number {
    return this.rec[slot * REC + WIRE_BYTES]!;
  }

  framesOf(slot: number): number {
    return this.rec[slot * REC + FRAMES]!;
  }

  postedPsOf(slot: number): number {
    return this.rec[slot * REC + POSTED_PS]!;
  }

  tagOf(slot: number): number {
    return this.rec[slot * REC + TAG]!;
  }

  /** The slot after `slot` in its flow's FIFO (−1: none). */
  nextOf(slot: number): number {
    return this.ints[slot * 2 * REC + NEXT]!;
  }

  setNext(slot: number, next: number): void {
    this.ints[slot * 2 * REC + NEXT] = next;
  }

  /** The slot's target, if tagged (read before `free`). */
  targetOf(slot: number): DeliveryTarget | undefined {
    return this.ints[slot * 2 * REC + TAGGED] === 1 ? (this.receivers[slot] as DeliveryTarget) : undefined;
  }

  /** Returns the slot to the free list; gives back its callback (undefined when tagged). */
  free(slot: number): ((atPs: number) => void) | undefined {
    const i = slot * 2 * REC;
    const receiver = this.receivers[slot];
    if (receiver !== undefined) this.receivers[slot] = undefined;
    const onDelivered = this.ints[i + TAGGED] === 1 ? undefined : (receiver as ((atPs: number) => void) | undefined);
    this.ints[i + NEXT] = this.freeHead;
    this.freeHead = slot;
    return onDelivered;
  }

  private grow(): void {
    const rec = new Float64Array(2 * this.rec.length);
    rec.set(this.rec);
    this.rec = rec;
    this.ints = new Int32Array(rec.buffer);
  }
}
