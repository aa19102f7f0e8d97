import { describe, expect, it } from 'vitest';
import { rngStream, serializationPs, usFromPs, type Rng } from '../src/engine/index.js';
import { PRESETS } from '../src/fabric/index.js';
import { runFirst, spec } from './helpers.js';

// A 1:1 leaf-spine: 64 GPUs, 8 per leaf, 8 spines, 100 Gb/s, 100 ns per hop.
const GPUS = 64;
const PER_LEAF = 8;
const LEAVES = GPUS / PER_LEAF;
const SPINES = PER_LEAF;
const GBPS = 100;
const DELAY_PS = 100_000;
const BYTES = 256 << 10;
const SEEDS = 16;
const { mtuBytes, headerBytes } = PRESETS.ethernet!;
const FRAME = mtuBytes + headerBytes;

/** Uniform derangement by rejection, from our own stream (not the simulator's workload code). */
function derangement(n: number, rng: Rng): number[] {
  for (;;) {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    if (p.every((v, i) => v !== i)) return p;
  }
}

/**
 * Balls into bins: each flow that leaves its leaf picks one of the spines uniformly at
 * random (what an ideal per-flow hash does); it then loads that leaf's uplink and that
 * spine's downlink to the destination leaf. Equal flows share links max-min fairly, so
 * every flow gets at least B/L_max and the most loaded link's flows end at L_max·S/B:
 * the permutation's time is L_max·S(frame/payload)/B plus the unloaded path's latency.
 */
function expectedEfficiency(rng: Rng): number {
  const dst = derangement(GPUS, rng);
  const up = new Array(LEAVES * SPINES).fill(0);
  const down = new Array(LEAVES * SPINES).fill(0);
  dst.forEach((d, s) => {
    const from = Math.floor(s / PER_LEAF);
    const to = Math.floor(d / PER_LEAF);
    if (from === to) return;
    const spine = rng.int(SPINES);
    up[from * SPINES + spine]++;
    down[to * SPINES + spine]++;
  });
  const maxLoad = Math.max(1, ...up, ...down);
  const frames = Math.ceil(BYTES / mtuBytes);
  const wirePs = (maxLoad * frames * FRAME * 8 * 1000) / GBPS;
  // The last frame crosses up to 4 links store-and-forward after its flow's wire time (3 of them serializing again).
  const latencyPs = 4 * DELAY_PS + 3 * serializationPs(FRAME, GBPS);
  const idealUs = (BYTES * 8) / (GBPS * 1e3);
  return idealUs / usFromPs(wirePs + latencyPs);
}

describe('ECMP permutation throughput against balls into bins', () => {
  it(`the mean effective bandwidth over ${SEEDS} seeds matches a Monte-Carlo expectation within 3 standard errors`, () => {
    // Monte-Carlo of the expectation and of its per-seed spread: 20,000 trials, so its own error is negligible.
    const rng = rngStream(12345, 'balls-into-bins');
    const trials = Array.from({ length: 20_000 }, () => expectedEfficiency(rng));
    const mean = trials.reduce((a, b) => a + b, 0) / trials.length;
    const sd = Math.sqrt(trials.reduce((a, b) => a + (b - mean) ** 2, 0) / (trials.length - 1));

    const measured: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = runFirst(
        spec({
          seed,
          topology: { kind: 'leaf-spine', gpus: GPUS, gpusPerLeaf: PER_LEAF, oversubscription: 1, linkGbps: GBPS, linkDelayNs: DELAY_PS / 1000 },
          fabrics: ['ethernet'],
          workload: { kind: 'permutation', bytes: BYTES },
        }),
      );
      expect(r.completed).toBe(true);
      expect(r.drops).toBe(0);
      measured.push(r.effectiveBandwidth);
    }
    const simMean = measured.reduce((a, b) => a + b, 0) / SEEDS;
    // The seeds' mean is a sample of SEEDS draws from that distribution: standard error sd/√SEEDS.
    expect(Math.abs(simMean - mean)).toBeLessThan((3 * sd) / Math.sqrt(SEEDS));
    // And no seed beats a collision-free fabric or falls below the worst case of all 8 flows of a leaf on one link.
    for (const e of measured) expect(e).toBeLessThanOrEqual(mtuBytes / FRAME);
    for (const e of measured) expect(e).toBeGreaterThan(1 / (PER_LEAF + 1));
  });
});
