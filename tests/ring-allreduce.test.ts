import { describe, expect, it } from 'vitest';
import { Simulator, usFromPs } from '../src/engine/index.js';
import { Network } from '../src/fabric/index.js';
import { createWorkload, resolveFabric } from '../src/experiment/index.js';
import { ringAllReduceAlphaBetaUs } from '../src/workloads/index.js';
import { spec } from './helpers.js';

function runRing(document: Record<string, unknown>) {
  const s = spec(document);
  const sim = new Simulator();
  const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
  const workload = createWorkload(s.workload[0]!, net.gpus, s.seed);
  workload.start(net);
  sim.run();
  const gpus = Array.from({ length: workload.ranks }, (_, i) => i);
  const bytes = (s.workload[0] as { bytes: number }).bytes;
  return { net, workload, tookUs: usFromPs(workload.finishedPs), model: ringAllReduceAlphaBetaUs(net, gpus, bytes) };
}

describe('ring all-reduce on a non-blocking fabric', () => {
  it.each([
    ['8 GPUs on one switch, 4 MiB', { gpus: 8, gpusPerLeaf: 8 }, 4 << 20],
    ['16 GPUs on one switch, 1 MiB', { gpus: 16, gpusPerLeaf: 16 }, 1 << 20],
    ['64 GPUs on a 1:1 leaf-spine, 8 MiB', { gpus: 64, gpusPerLeaf: 16 }, 8 << 20],
    ['128 GPUs on a 1:1 leaf-spine, 4 MiB', { gpus: 128, gpusPerLeaf: 32 }, 4 << 20],
    ['32 GPUs on a 1:1 leaf-spine, 64 KiB (latency-bound)', { gpus: 32, gpusPerLeaf: 8 }, 64 << 10],
  ])('%s: within a tenth of the alpha-beta cost, never below its bandwidth term', (_label, topo, bytes) => {
    const { workload, tookUs, model } = runRing({
      topology: { kind: 'leaf-spine', linkGbps: 400, linkDelayNs: 500, ...topo },
      workload: { kind: 'allreduce', bytes, channels: 1 },
    });
    expect(workload.finished).toBe(true);
    expect(tookUs).toBeGreaterThanOrEqual(model.bandwidthUs);
    expect(Math.abs(tookUs - model.totalUs) / model.totalUs).toBeLessThan(0.1);
  });

  it('with several channels one ring transmits while another waits out α: between the bandwidth term and the one-ring cost', () => {
    const { tookUs, model } = runRing({
      topology: { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 16, linkGbps: 400, linkDelayNs: 500 },
      workload: { kind: 'allreduce', bytes: 8 << 20, channels: 4 },
    });
    expect(tookUs).toBeGreaterThanOrEqual(model.bandwidthUs);
    expect(tookUs).toBeLessThan(model.bandwidthUs * 1.1);
    expect(tookUs).toBeLessThan(model.totalUs);
  });

  it('each rank sends 2(N−1)/N of the buffer, and every byte arrives', () => {
    const { net, workload } = runRing({
      topology: { kind: 'leaf-spine', gpus: 12, gpusPerLeaf: 4, linkGbps: 100 },
      workload: { kind: 'allreduce', bytes: 1_000_003, channels: 3 },
    });
    expect(workload.totalBytes).toBe(2 * 11 * 1_000_003);
    expect(net.metrics.bytesDelivered).toBe(workload.totalBytes);
    expect(net.metrics.dataBytesSent).toBe(workload.totalBytes);
  });
});
