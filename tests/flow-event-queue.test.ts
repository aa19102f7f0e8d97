import { describe, expect, it } from 'vitest';
import { rngStream, TypedEventQueue, type EventTarget } from '../src/engine/index.js';
import { FlowEventQueue } from '../src/fabric/flow-model/flow-event-queue.js';

const target: EventTarget = { onEvent: () => {} };

/**
 * The flow model's radix-heap queue against the engine's 4-ary heap, on random schedules
 * like a simulator's (never before the last time taken out, many ties): the same events in
 * the same order. Keyed events: the reference queue runs a superseded one and the caller
 * ignores it (the flow model's generation check); the radix heap must never return it.
 */
function compare(seed: number, steps: number, maxDelayPs: number, slices: boolean): number {
  const rng = rngStream(seed, 'flow-event-queue');
  const ref = new TypedEventQueue(16);
  const radix = new FlowEventQueue();
  const keys = 20;
  const generation = new Array<number>(keys).fill(0);
  const pending = new Array<boolean>(keys).fill(false);
  let now = 0;
  let id = 0;
  let popped = 0;
  const popRef = (): [number, number, number] | undefined => {
    for (;;) {
      if (ref.size === 0) return undefined;
      ref.pop();
      const [key, gen, eventId] = ref.poppedArg as [number, number, number];
      if (key >= 0 && gen !== generation[key]) continue; // superseded: the caller ignores it
      if (key >= 0) pending[key] = false;
      return [ref.poppedTimePs, ref.poppedKind, eventId];
    }
  };
  for (let step = 0; step < steps; step++) {
    const r = rng.next();
    // A delay of 0 a third of the time, else up to maxDelayPs: ties at one time are common.
    const delay = rng.next() < 0.33 ? 0 : Math.floor(rng.next() * maxDelayPs);
    if (r < 0.3) {
      const kind = step % 3;
      ref.push(now + delay, target, kind, [-1, 0, id]);
      radix.push(now + delay, target, kind, id);
      id++;
    } else if (r < 0.5) {
      const key = Math.floor(rng.next() * keys);
      generation[key]!++;
      pending[key] = true;
      ref.push(now + delay, target, 7, [key, generation[key], id]);
      radix.pushKeyed(now + delay, target, 7, id, key);
      id++;
    } else if (r < 0.55) {
      const key = Math.floor(rng.next() * keys);
      if (pending[key]) {
        generation[key]!++;
        pending[key] = false;
      }
      radix.cancel(key);
    } else if (slices && r < 0.6) {
      // A sliced run: peek, stop short of the next event, and schedule before it.
      const next = radix.peekTimePs();
      expect(next).toBe(liveFront(ref, generation));
      if (next !== Infinity && next > now + 1) {
        now += 1 + Math.floor(rng.next() * (next - now - 1));
        ref.push(now, target, 5, [-1, 0, id]);
        radix.push(now, target, 5, id);
        id++;
      }
    } else {
      const expected = popRef();
      const got = radix.pop();
      if (expected === undefined) {
        expect(got).toBeUndefined();
        continue;
      }
      expect(got).toBe(target);
      expect([radix.poppedTimePs, radix.poppedKind, radix.poppedArg]).toEqual(expected);
      now = expected[0];
      popped++;
    }
  }
  for (let e = popRef(); e !== undefined; e = popRef()) {
    radix.pop();
    expect([radix.poppedTimePs, radix.poppedKind, radix.poppedArg]).toEqual(e);
    popped++;
  }
  expect(radix.size).toBe(0);
  expect(radix.pop()).toBeUndefined();
  return popped;
}

/** The reference's next time that will run: superseded events at its front are popped (they would be ignored anyway). */
function liveFront(ref: TypedEventQueue, generation: number[]): number {
  // Its front's payload is in its private arrays: the root (heap entry 0) names its slot.
  const q = ref as unknown as { slotOf: Int32Array; args: unknown[] };
  for (;;) {
    if (ref.size === 0) return Infinity;
    const [key, gen] = q.args[q.slotOf[0]!] as [number, number, number];
    if (key < 0 || gen === generation[key]) return ref.peekTimePs();
    ref.pop();
  }
}

describe('FlowEventQueue', () => {
  it('pops what a 4-ary heap pops, in the same order, superseded keyed events left out', () => {
    for (let seed = 1; seed <= 6; seed++) expect(compare(seed, 10_000, seed % 2 === 0 ? 40 : 1e6, false)).toBeGreaterThan(1_500);
  });

  it('stays exact when a sliced run peeks ahead and then schedules before the next event', () => {
    for (let seed = 11; seed <= 14; seed++) expect(compare(seed, 10_000, seed % 2 === 0 ? 40 : 1e9, true)).toBeGreaterThan(1_500);
  });

  it('keeps plain and keyed events apart past its first 1,024 slots (the slot arrays grow)', () => {
    const rng = rngStream(3, 'flow-event-queue-growth');
    const q = new FlowEventQueue();
    const expected: [number, number][] = [];
    // 3,000 events at once, every third keyed by its own key: none is superseded, all run.
    for (let id = 0; id < 3_000; id++) {
      const timePs = Math.floor(rng.next() * 1e6);
      if (id % 3 === 0) q.pushKeyed(timePs, target, 7, id, id);
      else q.push(timePs, target, 0, id);
      expected.push([timePs, id]);
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got: [number, number][] = [];
    while (q.size > 0) {
      q.pop();
      got.push([q.poppedTimePs, q.poppedArg as number]);
    }
    expect(got).toEqual(expected);
  });

  it('keeps time in whole picoseconds up to 2^53', () => {
    const q = new FlowEventQueue();
    const big = 2 ** 52 + 12_345;
    q.push(big + 2, target, 0, 'b');
    q.push(big, target, 0, 'a');
    q.push(2 ** 33, target, 0, 'low');
    expect(q.pop()).toBe(target);
    expect(q.poppedArg).toBe('low');
    q.pop();
    expect([q.poppedTimePs, q.poppedArg]).toEqual([big, 'a']);
    q.pop();
    expect([q.poppedTimePs, q.poppedArg]).toEqual([big + 2, 'b']);
    expect(() => q.push(13_345.5, target, 0, 'x')).toThrow(/whole picosecond/);
  });
});
