import { describe, expect, it } from 'vitest';
import { rngStream, type Rng } from '../src/engine/index.js';
import { resolveFabric, simulateModel, validateSpec } from '../src/experiment/index.js';
import { MaxMinSolver, type SolverFlow } from '../src/fabric/index.js';
import { LENGTH, LinkSlots, META, START } from '../src/fabric/flow-model/link-slots.js';
import { ObjectMaxMinSolver, type ObjectSolverFlow } from './fixtures/max-min-objects.js';

/** A path of `n` distinct links out of `links`. */
function randomLinks(rng: Rng, links: number, n: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const l = rng.int(links);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

/**
 * Drives the solver and its object-layout reference (main's before the change) through the
 * same random adds, removes and capacity changes, solving after each batch: every rate,
 * every changed flow and its previous rate must be the same number, bit for bit.
 */
function compare(seed: number, steps: number): { solves: number; changed: number } {
  const rng = rngStream(seed, 'solver-layout');
  const LINKS = 40;
  const capacity = Array.from({ length: LINKS }, (_, l) => (l % 3 === 0 ? 400 : l % 3 === 1 ? 100 : 800 / 3));
  const solver = new MaxMinSolver(LINKS, (l) => capacity[l]!);
  const reference = new ObjectMaxMinSolver(LINKS, (l) => capacity[l]!);
  const live: { flow: SolverFlow; ref: ObjectSolverFlow }[] = [];
  let changedTotal = 0;
  for (let step = 0; step < steps; step++) {
    const adds = rng.int(4);
    for (let k = 0; k < adds; k++) {
      // Plain short paths (the flat copy), long ones (read from the flow) and weighted ones.
      const kind = rng.int(6);
      const links = randomLinks(rng, LINKS, kind === 0 ? 10 + rng.int(5) : 2 + rng.int(5));
      const weights = kind === 1 ? links.map(() => [1, 0.5, 0.25, 0.75][rng.int(4)]!) : null;
      const flow: SolverFlow = { links, weights, rate: 0, prevRate: 0, slot: -1 };
      const ref: ObjectSolverFlow = { links, weights, rate: 0, prevRate: 0, bottleneck: -1, mark: 0, frozen: 0, checked: 0 };
      solver.add(flow);
      reference.add(ref);
      live.push({ flow, ref });
    }
    const removes = live.length > 6 ? rng.int(3) : 0;
    for (let k = 0; k < removes; k++) {
      const [gone] = live.splice(rng.int(live.length), 1);
      solver.remove(gone!.flow);
      reference.remove(gone!.ref);
    }
    if (rng.int(10) === 0) {
      const l = rng.int(LINKS);
      capacity[l] = [0, 50, 400, 1000 / 7][rng.int(4)]!;
      solver.capacityChanged(l);
      reference.capacityChanged(l);
    }
    const changed = solver.solve();
    const refChanged = reference.solve();
    const at = changed.map((f) => live.findIndex((p) => p.flow === f));
    expect(at).toEqual(refChanged.map((f) => live.findIndex((p) => p.ref === f)));
    at.forEach((i) => expect(live[i]!.flow.prevRate).toBe(live[i]!.ref.prevRate));
    for (const p of live) expect(p.flow.rate).toBe(p.ref.rate);
    changedTotal += changed.length;
  }
  return { solves: solver.stats.solves, changed: changedTotal };
}

describe('max-min solver layout (typed arrays by slot) against the object layout it replaced', () => {
  it('gives the same rates to the last bit through random adds, removes and capacity changes', () => {
    for (const seed of [1, 2, 3]) {
      const { solves, changed } = compare(seed, 200);
      // The comparison saw real work: most steps re-solved, and rates moved.
      expect(solves).toBeGreaterThan(150);
      expect(changed).toBeGreaterThan(800);
    }
  });
});

describe('flow model conservation on a pipelined tree', () => {
  it('delivers every byte and every message it was given (hierarchical all-reduce, tree across nodes, 2 channels)', () => {
    const s = validateSpec({
      name: 'conservation',
      seed: 1,
      fabrics: [{ preset: 'ethernet', model: 'flow' }],
      topology: { kind: 'rail-optimized', gpus: 256, radix: 32, tiers: 2, linkGbps: 400 },
      workload: { kind: 'allreduce', algorithm: 'hierarchical', interNode: 'tree', bytes: '4MiB', channels: 2 },
    });
    const run = simulateModel(s, resolveFabric(s.fabrics[0]!));
    const m = run.net.metrics;
    expect(run.workload.finished).toBe(true);
    expect(m.messagesPosted).toBeGreaterThan(1000);
    expect(m.messagesDelivered).toBe(m.messagesPosted);
    expect(m.bytesDelivered).toBe(run.workload.totalBytes);
    // An all-reduce of S over N ranks moves 2(N−1)·S: node rings 2M(g−1)·S, rail trees 2(M−1)·S.
    expect(m.bytesDelivered).toBe(2 * (256 - 1) * 4 * 2 ** 20);
  });
});

describe('link slot lists (one typed array for every link)', () => {
  it('keep the order a JS array per link keeps under push and swap-remove, through moves and compactions', () => {
    const rng = rngStream(7, 'link-slots');
    const LINKS = 300;
    const lists = new LinkSlots(LINKS);
    const arrays: number[][] = Array.from({ length: LINKS }, () => []);
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      // Skewed toward a few links, so some lists grow long (runs move, the array compacts).
      const link = rng.int(4) === 0 ? rng.int(8) : rng.int(LINKS);
      const list = arrays[link]!;
      if (list.length > 0 && rng.int(5) < 2) {
        const slot = list[rng.int(list.length)]!;
        lists.remove(link, slot);
        list[list.indexOf(slot)] = list[list.length - 1]!;
        list.pop();
      } else {
        lists.push(link, next);
        list.push(next++);
      }
    }
    let longest = 0;
    for (let link = 0; link < LINKS; link++) {
      const { meta, items } = lists;
      const first = meta[link * META + START]!;
      expect(Array.from(items.subarray(first, first + meta[link * META + LENGTH]!))).toEqual(arrays[link]);
      longest = Math.max(longest, arrays[link]!.length);
    }
    expect(longest).toBeGreaterThan(100);
    // The array was outgrown and compacted into a larger one.
    expect(lists.items.length).toBeGreaterThan(1024);
  });
});
