import { describe, expect, it } from 'vitest';
import { MaxMinSolver, type SolverFlow } from '../src/fabric/index.js';

/** A flow over `links` (weights: load per unit of rate on each). */
const flow = (links: number[], weights: number[] | null = null): SolverFlow => ({
  links,
  weights,
  rate: 0,
  prevRate: 0,
  slot: -1,
});

function solver(capacities: number[]): MaxMinSolver {
  return new MaxMinSolver(capacities.length, (l) => capacities[l]!);
}

/** Adds flows one solve at a time (the incremental path), then returns their rates. */
function incremental(capacities: number[], flows: SolverFlow[]): number[] {
  const s = solver(capacities);
  for (const f of flows) {
    s.add(f);
    s.solve();
  }
  return flows.map((f) => f.rate);
}

/** Reference: progressive filling from scratch, written out the textbook way. */
function reference(capacities: number[], paths: number[][]): number[] {
  const rate = paths.map(() => 0);
  const frozen = paths.map(() => false);
  const left = [...capacities];
  for (;;) {
    const active = paths.map((_, i) => i).filter((i) => !frozen[i]);
    if (active.length === 0) return rate;
    let inc = Infinity;
    left.forEach((c, l) => {
      const n = active.filter((i) => paths[i]!.includes(l)).length;
      if (n > 0) inc = Math.min(inc, c / n);
    });
    for (const i of active) rate[i] += inc;
    left.forEach((_, l) => {
      left[l] -= inc * active.filter((i) => paths[i]!.includes(l)).length;
    });
    for (const i of active) if (paths[i]!.some((l) => left[l]! <= 1e-9 * capacities[l]!)) frozen[i] = true;
  }
}

describe('max-min fair rates', () => {
  it('two bottlenecks: four flows share link A (C/4 each); the one also on B leaves B to its other flow (C − C/4)', () => {
    const C = 400;
    const flows = [flow([0]), flow([0]), flow([0]), flow([0, 1]), flow([1])];
    expect(incremental([C, C], flows)).toEqual([100, 100, 100, 100, 300]);
  });

  it('two bottlenecks of different capacity: C1/3 on the first; the rest of the second link goes to its other flows', () => {
    // Link 0 (120) holds flows a, b, c; link 1 (200) holds c, d, e. c is limited to 40 by link 0;
    // d and e split 200 − 40 = 160.
    const flows = [flow([0]), flow([0]), flow([0, 1]), flow([1]), flow([1])];
    expect(incremental([120, 200], flows)).toEqual([40, 40, 40, 80, 80]);
  });

  it('parking lot: one long flow over n links, one short flow per link, all get C/2', () => {
    for (const n of [2, 3, 5, 8]) {
      const caps = Array.from({ length: n }, () => 400);
      const long = flow(caps.map((_, l) => l));
      const shorts = caps.map((_, l) => flow([l]));
      expect(incremental(caps, [long, ...shorts])).toEqual(Array.from({ length: n + 1 }, () => 200));
    }
  });

  it('parking lot with two short flows on the first link: the long flow gets C/3 everywhere, later short flows 2C/3', () => {
    const C = 300;
    const long = flow([0, 1, 2]);
    const flows = [long, flow([0]), flow([0]), flow([1]), flow([2])];
    expect(incremental([C, C, C], flows)).toEqual([100, 100, 100, 200, 200]);
  });

  it('departures give capacity back along the chain (incremental = from scratch)', () => {
    const caps = [400, 400, 400];
    const a = flow([0, 1]);
    const b = flow([1, 2]);
    const c = flow([0]);
    const d = flow([2]);
    const s = solver(caps);
    for (const f of [a, b, c, d]) s.add(f);
    s.solve();
    expect([a, b, c, d].map((f) => f.rate)).toEqual([200, 200, 200, 200]);
    s.remove(c);
    const changed = s.solve();
    // a can take link 0's rest, but link 1 is shared with b: a 200 → still 200; nothing changes
    expect([a, b, d].map((f) => f.rate)).toEqual([200, 200, 200]);
    expect(changed).toEqual([]);
    s.remove(d);
    s.solve();
    expect([a, b].map((f) => f.rate)).toEqual([200, 200]);
    s.remove(a);
    s.solve();
    expect(b.rate).toBe(400);
  });

  it('a fractional (sprayed) flow loads each of its paths by its share', () => {
    // Flow x is split evenly over links 1 and 2 (weight 1/2 each) after link 0; y uses link 1 alone.
    // x ≤ 400 on link 0; on link 1: x/2 + y ≤ 400 → max-min: y = x = 266.66…: check the constraints exactly.
    const x = flow([0, 1, 2], [1, 0.5, 0.5]);
    const y = flow([1]);
    incremental([400, 400, 400], [x, y]);
    expect(x.rate).toBeCloseTo(800 / 3, 9);
    expect(y.rate).toBeCloseTo(800 / 3, 9);
    expect(x.rate / 2 + y.rate).toBeCloseTo(400, 9);
  });

  it('random networks: incremental adds and removes equal a from-scratch progressive filling', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let trial = 0; trial < 40; trial++) {
      const caps = Array.from({ length: 8 }, () => 100 + Math.floor(rand() * 4) * 100);
      const s = solver(caps);
      const live: SolverFlow[] = [];
      for (let step = 0; step < 30; step++) {
        if (live.length > 0 && rand() < 0.35) {
          const f = live.splice(Math.floor(rand() * live.length), 1)[0]!;
          s.remove(f);
        } else {
          const links = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Math.floor(rand() * caps.length)))];
          const f = flow(links);
          live.push(f);
          s.add(f);
        }
        if (rand() < 0.7) s.solve();
      }
      s.solve();
      const expected = reference(caps, live.map((f) => [...f.links]));
      live.forEach((f, i) => expect(f.rate).toBeCloseTo(expected[i]!, 6));
    }
  });

  it('random networks: K equal-cost links each loaded by 1/K of every flow on any of them equal one link of K× the capacity (spray aggregation)', () => {
    // Links 0–3 single; 4…4+K−1 a group that every flow using it splits over evenly. The
    // aggregated network has the group as link 4 of K× the capacity, weight 1: same rates.
    let seed = 13;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let trial = 0; trial < 40; trial++) {
      const K = 2 + Math.floor(rand() * 4);
      const single = Array.from({ length: 4 }, () => 100 + Math.floor(rand() * 4) * 100);
      const groupCap = 50 + Math.floor(rand() * 4) * 50;
      const split = solver([...single, ...Array.from({ length: K }, () => groupCap)]);
      const aggCaps = [...single, K * groupCap];
      const agg = solver(aggCaps);
      const live: [SolverFlow, SolverFlow][] = [];
      for (let step = 0; step < 30; step++) {
        if (live.length > 0 && rand() < 0.35) {
          const [a, b] = live.splice(Math.floor(rand() * live.length), 1)[0]!;
          split.remove(a);
          agg.remove(b);
        } else {
          const links = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 2) }, () => Math.floor(rand() * 4)))];
          const grouped = rand() < 0.7;
          const a = grouped ? flow([...links, ...Array.from({ length: K }, (_, k) => 4 + k)], [...links.map(() => 1), ...Array.from({ length: K }, () => 1 / K)]) : flow(links);
          const b = flow(grouped ? [...links, 4] : links);
          live.push([a, b]);
          split.add(a);
          agg.add(b);
        }
        if (rand() < 0.7) {
          split.solve();
          agg.solve();
        }
      }
      split.solve();
      agg.solve();
      const expected = reference(aggCaps, live.map(([, b]) => [...b.links]));
      live.forEach(([a, b], i) => {
        expect(b.rate).toBeCloseTo(expected[i]!, 6);
        expect(a.rate).toBeCloseTo(b.rate, 6);
      });
    }
  });
});
