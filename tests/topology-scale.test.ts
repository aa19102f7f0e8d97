import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { allPorts, build, probe, samplePairs } from './topology-helpers.js';

const GPUS = 32_768;
const MiB = 2 ** 20;

/**
 * Routing is arithmetic on addresses, so 32,768 GPUs build in 0.5–1.1 s with 145–270 MiB of
 * live heap (measured after a GC, a process per kind); an all-pairs table would need 10⁹ entries.
 */
describe(`each topology kind builds and routes at ${GPUS} GPUs`, () => {
  it.each([
    ['leaf-spine', { kind: 'leaf-spine', gpus: GPUS, gpusPerLeaf: 64 }, 4],
    ['fat-tree', { kind: 'fat-tree', radix: 64, gpus: GPUS }, 6],
    ['rail-optimized', { kind: 'rail-optimized', radix: 64, gpus: GPUS }, 6],
  ])('%s', (_kind, topology, maxHops) => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const { sim, net } = build(topology);
    const buildMs = performance.now() - started;
    const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / MiB;
    expect(net.gpus).toBe(GPUS);
    expect(net.topology.maxHops).toBe(maxHops);
    // Generous bounds: they catch tables or quadratic builds, not noise.
    expect(buildMs).toBeLessThan(10_000);
    expect(heapMiB).toBeLessThan(1024);

    const ports = allPorts(net);
    const frame = 1000 + net.config.headerBytes;
    const perHopPs = (gbps: number, delayNs: number) => serializationPs(frame, gbps) + psFromNs(delayNs);
    for (const [src, dst] of samplePairs(GPUS, 12, [[0, GPUS - 1], [0, 1], [5, 5 + 8 * 64]])) {
      const hops = net.topology.hops(src, dst);
      const nvlink = net.topology.nvlink !== null && Math.floor(src / 8) === Math.floor(dst / 8);
      const { tookPs, dataPorts } = probe(sim, net, ports, src, dst, 1000);
      expect(dataPorts.length, `${src}→${dst}`).toBe(hops);
      expect(tookPs, `${src}→${dst}`).toBe(hops * (nvlink ? perHopPs(3600, 300) : perHopPs(400, 500)));
    }
    expect(net.topology.hops(0, GPUS - 1)).toBe(maxHops);
  });
});
