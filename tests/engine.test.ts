import { describe, expect, it } from 'vitest';
import {
  HeapEventQueue,
  LatencyHistogram,
  rngStream,
  serializationPs,
  RadixEventQueue,
  Simulator,
  Timer,
  TypedEventQueue,
  type EventQueue,
  type EventTarget,
} from '../src/engine/index.js';

class Recorder implements EventTarget {
  readonly log: [number, number][] = [];
  constructor(private readonly sim: Simulator) {}
  onEvent(kind: number): void {
    this.log.push([this.sim.nowPs, kind]);
  }
}

describe.each([
  ['typed', () => new TypedEventQueue(2)],
  ['radix', () => new RadixEventQueue()],
  ['heap-js', () => new HeapEventQueue()],
])('%s event queue', (_name, makeQueue: () => EventQueue) => {
  it('runs events in time order, and equal times in insertion order', () => {
    const sim = new Simulator(makeQueue());
    const r = new Recorder(sim);
    sim.at(30, r, 1);
    sim.at(10, r, 2);
    sim.at(30, r, 3);
    sim.at(10, r, 4);
    sim.at(20, r, 5);
    expect(sim.run()).toBe('idle');
    expect(r.log).toEqual([
      [10, 2],
      [10, 4],
      [20, 5],
      [30, 1],
      [30, 3],
    ]);
  });

  it('orders thousands of random events exactly like a stable sort', () => {
    const q = makeQueue();
    const rng = rngStream(7, 'queue-test');
    const target: EventTarget = { onEvent() {} };
    const pushed: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.int(100);
      pushed.push([t, i]);
      q.push(t, target, i, undefined);
    }
    const popped: [number, number][] = [];
    while (q.pop()) popped.push([q.poppedTimePs, q.poppedKind]);
    expect(popped).toEqual([...pushed].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });
});

describe('Simulator', () => {
  it('stops at the maximum simulated time, leaving later events pending', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    for (const t of [5, 10, 15]) sim.at(t, r, t);
    expect(sim.run({ maxTimePs: 10 })).toBe('max-time');
    expect(r.log.map(([t]) => t)).toEqual([5, 10]);
    expect(sim.nowPs).toBe(10);
    expect(sim.pendingEvents).toBe(1);
  });

  it('stops after the maximum number of events', () => {
    const sim = new Simulator();
    const r = new Recorder(sim);
    for (const t of [1, 2, 3, 4]) sim.at(t, r, t);
    expect(sim.run({ maxEvents: 3 })).toBe('max-events');
    expect(sim.events).toBe(3);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator();
    sim.at(10, { onEvent() {} }, 0);
    sim.run();
    expect(() => sim.at(5, { onEvent() {} }, 0)).toThrow(/past/);
  });
});

describe('Timer', () => {
  it('fires once at its latest deadline however often it is pushed back', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const timer = new Timer(sim, () => fired.push(sim.nowPs));
    timer.set(100);
    sim.at(50, { onEvent: () => timer.set(100) }, 0); // deadline moves to 150
    sim.run();
    expect(fired).toEqual([150]);
  });

  it('does not fire once cancelled, and can be re-armed earlier', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const timer = new Timer(sim, () => fired.push(sim.nowPs));
    timer.set(100);
    timer.cancel();
    timer.set(40);
    sim.run();
    expect(fired).toEqual([40]);
  });
});

describe('rngStream', () => {
  it('gives the same draws for the same (seed, name) and different ones otherwise', () => {
    const draw = (seed: number, name: string) => Array.from({ length: 5 }, rngStream(seed, name).next);
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles of 1..10000 within 0.1%', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    const p = h.percentiles();
    expect(p.p50).toBeCloseTo(5000, -1);
    expect(Math.abs(p.p99 - 9900) / 9900).toBeLessThan(1e-3);
    expect(Math.abs(p.p999 - 9990) / 9990).toBeLessThan(1e-3);
    expect(Math.abs(p.max - 10_000) / 10_000).toBeLessThan(1e-3);
    expect(p.count).toBe(10_000);
  });
});

describe('serializationPs', () => {
  it('is bytes × 8 / rate, in picoseconds', () => {
    expect(serializationPs(4096, 400)).toBe(81_920);
    expect(serializationPs(1500, 100)).toBe(120_000);
  });
});
