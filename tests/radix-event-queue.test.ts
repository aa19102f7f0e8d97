import { describe, expect, it } from 'vitest';
import { rngStream, RadixEventQueue, TypedEventQueue, type EventTarget } from '../src/engine/index.js';
import { KeyedEventQueue } from '../src/engine/parallel/keyed-event-queue.js';

/**
 * The radix queues against the order they must keep, in a simulation's pattern: pops
 * interleaved with pushes at or after the last time taken out, many at that very time
 * (bucket 0), times past 2^32 ps (the two-halves bucket arithmetic), and windows that peek
 * past their end and then receive events before the peeked time.
 */
const target: EventTarget = { onEvent() {} };

describe('RadixEventQueue', () => {
  it('pops exactly as the 4-ary heap does (time, then push order) in a hold pattern with ties', () => {
    const rng = rngStream(11, 'radix-hold');
    const radix = new RadixEventQueue();
    const heap = new TypedEventQueue();
    let now = 2 ** 32 - 5_000_000;
    let id = 0;
    for (let i = 0; i < 2000; i++) {
      const t = now + rng.int(3_000_000);
      radix.push(t, target, id, undefined);
      heap.push(t, target, id++, undefined);
    }
    for (let op = 0; op < 60_000; op++) {
      expect(radix.peekTimePs()).toBe(heap.peekTimePs());
      radix.pop();
      heap.pop();
      expect([radix.poppedTimePs, radix.poppedKind]).toEqual([heap.poppedTimePs, heap.poppedKind]);
      now = heap.poppedTimePs;
      // 0 to 2 pushes: a third at the current time (bucket 0), the rest a little or a lot later.
      for (let k = rng.int(3); k > 0; k--) {
        const r = rng.int(3);
        const t = r === 0 ? now : now + (r === 1 ? rng.int(400) : rng.int(20_000_000));
        radix.push(t, target, id, undefined);
        heap.push(t, target, id++, undefined);
      }
      if (heap.size === 0) break;
    }
    expect(radix.size).toBe(heap.size);
  });

  it('keeps the order at every digit of a 53-bit time: gaps from 1 ps to 2^52 ps, ties among them', () => {
    const rng = rngStream(12, 'radix-digits');
    const radix = new RadixEventQueue();
    const heap = new TypedEventQueue();
    let now = 0;
    let id = 0;
    const push = (t: number): void => {
      radix.push(t, target, id, undefined);
      heap.push(t, target, id++, undefined);
    };
    // A gap of 2^k ps plus a few ps: every level of 4-bit digits, both 32-bit halves.
    const gap = (): number => 2 ** rng.int(52) + rng.int(16);
    for (let i = 0; i < 500; i++) push(now + gap());
    for (let op = 0; op < 20_000 && heap.size > 0; op++) {
      radix.pop();
      heap.pop();
      expect([radix.poppedTimePs, radix.poppedKind]).toEqual([heap.poppedTimePs, heap.poppedKind]);
      now = heap.poppedTimePs;
      for (let k = rng.int(3); k > 0; k--) {
        const t = rng.int(3) === 0 ? now : now + gap();
        if (t < 2 ** 53) push(t);
      }
    }
    expect(radix.size).toBe(heap.size);
  });

  it('accepts an event before a time it peeked at (a window that stopped short of it)', () => {
    const q = new RadixEventQueue();
    q.push(1000, target, 1, undefined);
    q.push(5000, target, 2, undefined);
    q.pop();
    expect(q.peekTimePs()).toBe(5000);
    q.push(3000, target, 3, undefined);
    q.push(3000, target, 4, undefined);
    const out: number[][] = [];
    while (q.pop()) out.push([q.poppedTimePs, q.poppedKind]);
    expect(out).toEqual([
      [3000, 3],
      [3000, 4],
      [5000, 2],
    ]);
  });
});

describe('KeyedEventQueue (radix)', () => {
  it('pops in (time, key) order whatever order keys are pushed in, at the current time too', () => {
    const rng = rngStream(5, 'keyed-radix');
    const q = new KeyedEventQueue();
    q.configure(4, 3);
    // Reference: pending (time, key) pairs; the next is the least.
    const pending: [number, number][] = [];
    let pushed = 0;
    const push = (t: number): void => {
      const key = rng.int(1_000_000) * 100_000 + pushed++; // unique, in no particular order
      pending.push([t, key]);
      q.pushKeyed(t, target, 0, undefined, key, rng.int(4));
    };
    for (let i = 0; i < 300; i++) push(rng.int(10_000));
    let popped = 0;
    while (pending.length > 0) {
      let best = 0;
      for (let i = 1; i < pending.length; i++) {
        const [t, k] = pending[i]!;
        if (t < pending[best]![0] || (t === pending[best]![0] && k < pending[best]![1])) best = i;
      }
      const [t, k] = pending.splice(best, 1)[0]!;
      expect(q.peekTimePs()).toBe(t);
      q.pop();
      expect([q.poppedTimePs, q.poppedKey]).toEqual([t, k]);
      if (++popped < 3000) for (let n = rng.int(3); n > 0; n--) push(t + (rng.int(2) === 0 ? 0 : rng.int(5_000)));
    }
    expect(q.size).toBe(0);
  });

  it('pops large groups of one time in key order (the merge sort beyond 32, runs of odd length)', () => {
    const rng = rngStream(9, 'keyed-radix-groups');
    const q = new KeyedEventQueue();
    q.configure(4, 3);
    const sizes = [2, 31, 32, 33, 64, 65, 97, 1000, 4097];
    const expected: number[][] = [];
    sizes.forEach((n, g) => {
      const keys = new Set<number>();
      while (keys.size < n) keys.add(rng.int(2 ** 21) * 2 ** 32 + rng.int(1_000_000));
      for (const key of keys) q.pushKeyed(1_000 * (g + 1), target, 0, undefined, key, rng.int(4));
      expected.push([...keys].sort((a, b) => a - b));
    });
    for (const keys of expected) {
      const got: number[] = [];
      for (let i = 0; i < keys.length; i++) {
        q.pop();
        got.push(q.poppedKey);
      }
      expect(got).toEqual(keys);
    }
    expect(q.size).toBe(0);
  });
});
