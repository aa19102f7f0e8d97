import { describe, expect, it } from 'vitest';
import { serializationPs, usFromPs } from '../src/engine/index.js';
import { resolveFabric, runFabric, simulateFabric } from '../src/experiment/index.js';
import { topoSpec } from './topology-helpers.js';

describe('a permutation on a non-blocking three-tier fat-tree', () => {
  // Radix 8: 8 pods × 4 leaves × 4 GPUs = 128 GPUs; 64 of a permutation's flows cross the cores.
  const run = (fabric: unknown) => {
    const s = topoSpec({ kind: 'fat-tree', radix: 8 }, fabric, { kind: 'permutation', bytes: '2MiB' });
    return runFabric(s, resolveFabric(s.fabrics[0]!));
  };

  it('per-packet spraying with out-of-order placement nears line rate; per-flow ECMP collides (≈ 1/E[max load])', () => {
    const ecmp = run('ethernet');
    const spray = run({ preset: 'ethernet', routing: 'spray', lossRecovery: 'ooo' });
    expect(spray.effectiveBandwidth).toBeGreaterThan(0.7);
    expect(ecmp.effectiveBandwidth).toBeLessThan(0.35);
    expect(spray.effectiveBandwidth).toBeGreaterThan(2.5 * ecmp.effectiveBandwidth);
    expect(spray.drops + ecmp.drops + spray.retransmits).toBe(0);
    expect(spray.outOfOrderArrivals).toBeGreaterThan(0);
  });
});

/**
 * Ring all-reduce against its alpha-beta cost T = 2(N−1)·α + 2(N−1)/N · S/B (as in
 * ring-allreduce.test.ts): B the payload goodput of a link, α the mean over ring edges of the
 * last packet's trip once serialized: hops × propagation + (hops − 1) × serialization.
 */
describe('ring all-reduce on a small non-blocking fat-tree', () => {
  it.each([
    ['radix 4, 16 GPUs, 4 MiB (ring edges cross leaves, pods and cores)', 4, 4 << 20],
    ['radix 8, 128 GPUs, 4 MiB', 8, 4 << 20],
    ['radix 4, 16 GPUs, 64 KiB (latency-bound)', 4, 64 << 10],
  ])('%s: within a tenth of the alpha-beta cost, never below its bandwidth term', (_label, radix, bytes) => {
    const s = topoSpec({ kind: 'fat-tree', radix }, 'ethernet', { kind: 'allreduce', bytes, channels: 1 });
    const { net, workload } = simulateFabric(s, resolveFabric(s.fabrics[0]!));
    expect(workload.finished).toBe(true);
    const n = net.gpus;
    const { mtuBytes, headerBytes } = net.config;
    const frame = mtuBytes + headerBytes;
    let alphaPs = 0;
    for (let r = 0; r < n; r++) {
      const hops = net.topology.hops(r, (r + 1) % n);
      alphaPs += (hops * net.topology.linkDelayPs + (hops - 1) * serializationPs(frame, 400)) / n;
    }
    const goodputBytesPerUs = ((400 * 1e3) / 8) * (mtuBytes / frame);
    const bandwidthUs = ((2 * (n - 1)) / n) * (bytes / goodputBytesPerUs);
    const modelUs = 2 * (n - 1) * usFromPs(alphaPs) + bandwidthUs;
    const tookUs = usFromPs(workload.finishedPs);
    expect(tookUs).toBeGreaterThanOrEqual(bandwidthUs);
    expect(Math.abs(tookUs - modelUs) / modelUs).toBeLessThan(0.1);
  });
});
