import { describe, expect, it } from 'vitest';
import { serializationPs, Simulator, usFromPs } from '../src/engine/index.js';
import { resolveFabric, runFabric, simulateModel, validateSpec } from '../src/experiment/index.js';
import { FlowNetwork, PRESETS, type TopologySpec } from '../src/fabric/index.js';
import type { Collective } from '../src/workloads/index.js';

const ethernet = PRESETS['ethernet']!;
const FRAME = 4096 + 82;
const leafSpine: TopologySpec = { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 16, oversubscription: 1, linkGbps: 400, linkDelayNs: 500 };

/** Wire bytes of a message: payload plus a header per frame. */
const wire = (bytes: number) => bytes + Math.max(1, Math.ceil(bytes / 4096)) * 82;
/** Last frame store-and-forwarded over hops − 1 links, propagation on every hop. */
const latencyPs = (bytes: number, hops: number, gbps: number, delayPs: number) =>
  hops * delayPs + (hops - 1) * serializationPs(bytes - (Math.ceil(bytes / 4096) - 1) * 4096 + 82, gbps);

/** Sends one message per (src, dst) at time 0 on a fresh flow network; returns each delivery time. */
function deliveries(topology: TopologySpec, pairs: [number, number][], bytes: number, config = ethernet): number[] {
  const sim = new Simulator();
  const net = new FlowNetwork(sim, topology, config, 1);
  const at: number[] = [];
  pairs.forEach(([src, dst], i) => net.send(net.openFlow(src, dst), bytes, (t) => (at[i] = t)));
  sim.run();
  return at;
}

describe('flow model: closed forms', () => {
  it('a lone flow across the spine takes its wire bytes at line rate plus the path latency, to the picosecond', () => {
    const bytes = 1_000_003;
    const [t] = deliveries(leafSpine, [[3, 20]], bytes);
    expect(t).toBe(Math.ceil((wire(bytes) * 8_000) / 400) + latencyPs(bytes, 4, 400, 500_000));
  });

  it('4 → 1 incast: each sender gets a quarter of the receiver link, all finish together', () => {
    const bytes = 262_144;
    const at = deliveries(leafSpine, [[1, 0], [2, 0], [17, 0], [30, 0]], bytes);
    const sameLeaf = Math.ceil((wire(bytes) * 8_000) / 100);
    expect(at.slice(0, 2)).toEqual([sameLeaf + latencyPs(bytes, 2, 400, 500_000), sameLeaf + latencyPs(bytes, 2, 400, 500_000)]);
    expect(at.slice(2)).toEqual([sameLeaf + latencyPs(bytes, 4, 400, 500_000), sameLeaf + latencyPs(bytes, 4, 400, 500_000)]);
  });

  it('GPUs of one server talk over NVLink at its rate and latency; other pairs over the fabric', () => {
    const rail: TopologySpec = {
      kind: 'rail-optimized', gpus: 64, gpusPerNode: 8, radix: 16, tiers: 2, oversubscription: 1, spineOversubscription: 1,
      linkGbps: 400, linkDelayNs: 500, nvlinkGbps: 3600, nvlinkDelayNs: 300,
    };
    const bytes = 4 << 20;
    const [nv, fabric] = deliveries(rail, [[0, 5], [1, 9]], bytes);
    expect(nv).toBe(Math.ceil((wire(bytes) * 8_000) / 3600) + latencyPs(bytes, 2, 3600, 300_000));
    // GPU 1 → GPU 9: rail 1 of servers 0 and 1, the same rail leaf: two hops.
    expect(fabric).toBe(Math.ceil((wire(bytes) * 8_000) / 400) + latencyPs(bytes, 2, 400, 500_000));
  });

  it('spray splits a flow over every uplink: a permutation runs at line rate where ECMP collides', () => {
    const s = validateSpec({
      name: 'spray', seed: 1, fabrics: ['ethernet'],
      topology: { kind: 'leaf-spine', gpus: 128, gpusPerLeaf: 16 },
      workload: { kind: 'permutation', bytes: '1MiB' },
    });
    const ecmp = runFabric(s, resolveFabric({ preset: 'ethernet', model: 'flow' }));
    const spray = runFabric(s, resolveFabric({ preset: 'ethernet', model: 'flow', routing: 'spray' }));
    expect(ecmp.effectiveBandwidth).toBeLessThan(0.5);
    // No uplink or downlink carries more than its share: every flow runs at line rate, so the
    // permutation takes exactly what one flow takes alone across the spine.
    const bytes = 1 << 20;
    const alonePs = Math.ceil((wire(bytes) * 8_000) / 400) + latencyPs(bytes, 4, 400, 500_000);
    expect(spray.completionUs).toBe(Number(usFromPs(alonePs).toFixed(3)));
  });
});

const WORKLOADS: Record<string, unknown>[] = [
  { kind: 'allreduce', algorithm: 'ring', bytes: '1MiB', channels: 2 },
  { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB' },
  { kind: 'allreduce', algorithm: 'halving-doubling', bytes: '1MiB' },
  { kind: 'allreduce', algorithm: 'hierarchical', bytes: '1MiB' },
  { kind: 'allreduce', algorithm: 'hierarchical', interNode: 'tree', bytes: '1MiB' },
  { kind: 'allgather', bytes: '1MiB', qpsPerConnection: 2 },
  { kind: 'reducescatter', bytes: '1MiB', placement: 'random', ranks: 96 },
  { kind: 'alltoall', bytes: '1MiB', ranks: 48, placement: 'random' },
  { kind: 'broadcast', bytes: '1MiB' },
  { kind: 'permutation', bytes: '100000' },
  { kind: 'incast', senders: 31, bytes: '64KiB' },
  {
    kind: 'jobs',
    jobs: [
      { ranks: 64, iterations: 2, computeUs: 5, collectives: [{ kind: 'allreduce', bytes: '1MiB' }] },
      { ranks: 32, placement: 'random', collectives: [{ kind: 'alltoall', bytes: '1MiB' }] },
    ],
    background: { load: 0.2, sizes: 'hadoop' },
  },
];

const railTopology = { kind: 'rail-optimized', gpus: 128, radix: 16, tiers: 3 };

describe('flow model: every workload runs on it, and bytes are conserved', () => {
  it.each(WORKLOADS.map((w) => [`${w['kind']} ${w['algorithm'] ?? ''} ${w['interNode'] ?? ''}`, w]))('%s', (_label, workload) => {
    for (const routing of ['ecmp', 'spray'] as const) {
      const s = validateSpec({ name: 'all', seed: 2, fabrics: ['ethernet'], topology: railTopology, workload });
      const run = simulateModel(s, resolveFabric({ preset: 'ethernet', model: 'flow', routing }));
      const m = (run.net as FlowNetwork).metrics;
      expect(run.workload.finished).toBe(true);
      expect(run.stop).toBe('idle');
      // Every message posted was delivered, whole: delivered = sent, to the byte.
      expect(m.messagesDelivered).toBe(m.messagesPosted);
      expect(m.bytesDelivered).toBe(m.dataBytesSent);
      if (workload['kind'] !== 'jobs') expect(m.bytesDelivered).toBe(run.workload.totalBytes);
    }
  });
});

describe('flow model: determinism', () => {
  it('the same spec and seed give the same result, to the byte (but wall time)', () => {
    const s = validateSpec({
      name: 'det', seed: 5, fabrics: ['ethernet'],
      topology: { kind: 'fat-tree', radix: 8 },
      workload: [{ kind: 'alltoall', bytes: '256KiB', ranks: 48, placement: 'random' }, { kind: 'allreduce', algorithm: 'ring', bytes: '2MiB', channels: 2 }],
    });
    const once = () =>
      s.workload.map((w) => {
        const { wallMs: _wall, ...rest } = runFabric(s, resolveFabric({ preset: 'ethernet', model: 'flow' }), w);
        return JSON.stringify(rest);
      });
    expect(once()).toEqual(once());
  });
});

describe('hierarchical all-reduce with a tree across nodes', () => {
  const run = (workload: Record<string, unknown>, gpus = 128) => {
    const s = validateSpec({ name: 'tree', seed: 1, fabrics: ['ethernet'], topology: { kind: 'leaf-spine', gpus, gpusPerLeaf: 8 }, workload });
    const r = simulateModel(s, resolveFabric({ preset: 'ethernet', model: 'flow' }));
    expect(r.workload.finished).toBe(true);
    return { us: usFromPs(r.workload.finishedPs), collective: r.workload as Collective };
  };

  it('with one GPU per node it is the tree all-reduce: same time as TreeAllReduce, within 2%, and its alpha-beta cost within 10%', () => {
    const S = 8 << 20;
    const hier = run({ kind: 'allreduce', algorithm: 'hierarchical', gpusPerNode: 1, interNode: 'tree', bytes: S });
    const tree = run({ kind: 'allreduce', algorithm: 'tree', bytes: S });
    expect(Math.abs(hier.us - tree.us) / tree.us).toBeLessThan(0.02);
    // 2S/B + 2·⌈log2 N⌉·(α + slice/B), α the spine path's latency for a full frame.
    const B = 50_000 * (4096 / FRAME); // payload bytes per µs
    const alphaUs = usFromPs(4 * 500_000 + 3 * serializationPs(FRAME, 400));
    const model = (2 * S) / B + 2 * Math.ceil(Math.log2(128)) * (alphaUs + 128 * 1024 / B);
    expect(Math.abs(hier.us - model) / model).toBeLessThan(0.1);
    // Each rank sends and receives 2S in all (interior in one tree, leaf in the other).
    expect(Math.max(...hier.collective.sentBytes)).toBeLessThanOrEqual(2 * S + 8);
  });

  it('is latency-bound in 2·log2(M) steps where the ring across nodes takes 2(M−1): 64 nodes, small buffer', () => {
    const w = { kind: 'allreduce', algorithm: 'hierarchical', bytes: '64KiB' };
    const ring = run({ ...w, interNode: 'ring' }, 512);
    const tree = run({ ...w, interNode: 'tree' }, 512);
    expect(tree.us * 3).toBeLessThan(ring.us);
    // Same bytes either way. Inside each node of g GPUs a reduce-scatter and an all-gather ring send
    // 2(g−1)/g·S per GPU; across the M nodes each of the g rails all-reduces a shard S/g, a ring in
    // 2(M−1) steps of shard/M per rank, a double binary tree once up (reduce) and once down (broadcast)
    // its M−1 edges per tree, each tree carrying half: 2(M−1)·shard per rail either way.
    const S = 64 * 1024;
    const g = 8;
    const N = 512;
    const M = N / g;
    const total = N * 2 * ((g - 1) / g) * S + g * 2 * (M - 1) * (S / g);
    expect(ring.collective.totalBytes).toBe(total);
    expect(tree.collective.totalBytes).toBe(total);
    // Per GPU across nodes, the tree moves up to 2·shard (interior in one tree, leaf in the other), the ring 2(M−1)/M·shard.
    const inNode = 2 * ((g - 1) / g) * S;
    expect(Math.max(...ring.collective.sentBytes)).toBe(inNode + 2 * ((M - 1) / M) * (S / g));
    expect(Math.max(...tree.collective.sentBytes)).toBeLessThanOrEqual(inNode + 2 * (S / g));
  });
});

describe('flow model: latency percentiles count the scale-out fabric only', () => {
  it('messages between GPUs of one server (NVLink) record no latency sample; those across servers do, one each', () => {
    const { topology } = validateSpec({ name: 'nv', fabrics: ['ethernet'], topology: { kind: 'rail-optimized', gpus: 16, gpusPerNode: 8, radix: 16, tiers: 2 }, workload: { kind: 'permutation', bytes: '1KiB' } });
    const sim = new Simulator();
    const net = new FlowNetwork(sim, topology, ethernet, 1);
    net.send(net.openFlow(0, 1), 64 << 10); // same server: NVLink
    net.send(net.openFlow(2, 7), 4096); // same server: NVLink
    net.send(net.openFlow(0, 8), 64 << 10); // across servers: the fabric
    sim.run();
    expect(net.metrics.messagesDelivered).toBe(3);
    expect(net.metrics.packetLatencyNs.count).toBe(1);
    // The one sample is the fabric path's: rail 0 of two servers, one rail leaf, two hops at 400 Gb/s and
    // 500 ns each, a full frame store-and-forwarded on each: 2·(4178·8/400 + 500) ns = 1,167.12 ns
    // (the histogram keeps 3 significant digits).
    const expectedNs = 2 * (serializationPs(FRAME, 400) / 1000 + 500);
    expect(Math.abs(net.metrics.packetLatencyNs.percentiles().max - expectedNs) / expectedNs).toBeLessThan(1e-3);
  });
});

describe('flow model: spraying aggregates equal-cost groups exactly', () => {
  it('spray on a 3-tier fabric: a group of equal-cost links is one link of the group\'s capacity', () => {
    const s = validateSpec({ name: 'agg', seed: 4, fabrics: ['ethernet'], topology: railTopology, workload: { kind: 'alltoall', bytes: '64KiB', ranks: 64, placement: 'random' } });
    const run = simulateModel(s, resolveFabric({ preset: 'ethernet', model: 'flow', routing: 'spray' }));
    const net = run.net as FlowNetwork;
    expect(run.workload.finished).toBe(true);
    expect(net.links.aggregated).toBe(true);
    expect(net.links.capacityGbps(net.links.leafUp)).toBe(400 * net.links.leafUplinks);
    expect(net.links.capacityGbps(net.links.spineUp)).toBe(400 * net.links.podCoreCables);
  });
});

describe('flow model: tagged deliveries (no closure per message)', () => {
  it('sendTagged reports each message at the moment and in the order send would call back', () => {
    const pairs: [number, number][] = [[1, 0], [2, 0], [17, 0], [30, 0], [3, 20], [4, 20], [1, 0]];
    const sizes = [262_144, 100_003, 4096, 1_000_000, 65_536, 4097, 8192];
    const run = (tagged: boolean): [number, number][] => {
      const sim = new Simulator();
      const net = new FlowNetwork(sim, leafSpine, ethernet, 1);
      const log: [number, number][] = [];
      const target = { delivered: (tag: number, atPs: number) => log.push([tag, atPs]) };
      const flows = pairs.map(([src, dst]) => net.openFlow(src, dst));
      // Two messages per flow, the second posted from the first's delivery (as a pipeline does).
      flows.forEach((flow, i) => {
        const second = (atPs: number) => {
          log.push([i, atPs]);
          if (tagged) net.sendTagged(flow, sizes[i]!, target, 100 + i);
          else net.send(flow, sizes[i]!, (t) => log.push([100 + i, t]));
        };
        if (tagged) net.sendTagged(flow, sizes[i]!, { delivered: (_tag, atPs) => second(atPs) }, i);
        else net.send(flow, sizes[i]!, second);
      });
      sim.run();
      return log;
    };
    const closures = run(false);
    expect(closures).toHaveLength(2 * pairs.length);
    expect(run(true)).toEqual(closures);
  });
});
