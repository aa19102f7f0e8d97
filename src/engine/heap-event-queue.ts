import { Heap } from 'heap-js';
import type { EventQueue, EventTarget } from './event-queue.js';

interface QueuedEvent {
  timePs: number;
  seq: number;
  target: EventTarget;
  kind: number;
  arg: unknown;
}

const earlierFirst = (a: QueuedEvent, b: QueuedEvent): number =>
  a.timePs - b.timePs || a.seq - b.seq;

/** The plain heap-js queue, one object per event: the baseline the typed queue is benchmarked against. */
export class HeapEventQueue implements EventQueue {
  private readonly heap = new Heap<QueuedEvent>(earlierFirst);
  private nextSeq = 0;
  poppedTimePs = 0;
  poppedKind = 0;
  poppedArg: unknown = undefined;

  get size(): number {
    return this.heap.length;
  }

  peekTimePs(): number {
    return this.heap.peek()?.timePs ?? Infinity;
  }

  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void {
    this.heap.push({ timePs, seq: this.nextSeq++, target, kind, arg });
  }

  pop(): EventTarget | undefined {
    const event = this.heap.pop();
    if (!event) return undefined;
    this.poppedTimePs = event.timePs;
    this.poppedKind = event.kind;
    this.poppedArg = event.arg;
    return event.target;
  }
}
