import { describe, expect, it } from 'vitest';
import { Simulator, usFromPs } from '../src/engine/index.js';
import { Network } from '../src/fabric/index.js';
import { createWorkload, resolveFabric } from '../src/experiment/index.js';
import { scaleOutFactor, type Collective } from '../src/workloads/index.js';
import { runFirst, spec } from './helpers.js';

/**
 * Issue #18: collectives as NCCL lays them on multi-NIC servers. Two 8-GPU servers of a
 * two-tier rail-optimized fabric (one 400 Gb/s NIC per GPU, GPU i on rail leaf i, NVLink
 * 450 GB/s per GPU and direction). Same-rail traffic of the two servers turns at its rail
 * leaf; anything that reaches a spine crossed rails.
 */
const G = 8;
const NIC_GBPS = 400;
const NVLINK_GBPS = 3600;

function run(workload: Record<string, unknown>) {
  const s = spec({
    topology: { kind: 'rail-optimized', gpus: 2 * G, gpusPerNode: G, radix: 16, tiers: 2, linkGbps: NIC_GBPS, nvlinkGbps: NVLINK_GBPS },
    fabrics: ['spectrum-x'],
    workload,
  });
  const sim = new Simulator();
  const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
  const collective = createWorkload(s.workload[0]!, net.gpus, s.seed, G) as Collective;
  const posts: { src: number; dst: number; bytes: number; channel: number }[] = [];
  collective.probe = (src, dst, bytes, channel) => posts.push({ src, dst, bytes, channel });
  collective.start(net);
  sim.run();
  expect(collective.finished).toBe(true);
  const spineDataPackets = net.topology.switches
    .filter((sw) => net.topology.tierNames[sw.tier] === 'spine')
    .reduce((sum, sw) => sum + sw.ports.reduce((p, port) => p + port.dataPacketsTx, 0), 0);
  const server = (gpu: number) => Math.floor(gpu / G);
  const interServer = posts.filter((p) => server(p.src) !== server(p.dst));
  return { collective, net, posts, interServer, spineDataPackets, tookUs: usFromPs(collective.finishedPs) };
}

describe('NCCL rings on rail-optimized servers', () => {
  it('ring all-reduce, 2 × 8 GPUs, 64 MiB, NCCL’s 16 channels: busbw within 10% of min(G × NIC, NVLink) goodput', () => {
    const S = 64 << 20;
    const { collective, net, tookUs, posts } = run({ kind: 'allreduce', algorithm: 'ring', bytes: S });
    // Default channels: 2 per NIC (NCCL's search channel per NIC, doubled by ncclTopoPostset).
    expect(new Set(posts.map((p) => p.channel)).size).toBe(2 * G);
    // spectrum-x's HPCC holds each link's wire rate at η, and counts everything on it: every
    // data frame carries the 42 B INT header, and (each NIC sends and receives in a ring) the
    // reverse flow's ACK, which echoes it. So the data share of the link is η·mtu/(frame + ACK).
    const { mtuBytes, headerBytes, controlBytes, telemetry } = net.config;
    const frameBytes = mtuBytes + headerBytes + telemetry.intHeaderBytes;
    const goodput = (telemetry.eta * mtuBytes) / (frameBytes + controlBytes + telemetry.intHeaderBytes);
    const expectedBusGBps = (Math.min(G * NIC_GBPS, NVLINK_GBPS) / 8) * goodput;
    const busGBps = (S / (tookUs * 1e3)) * collective.busFactor;
    expect(Math.abs(busGBps / expectedBusGBps - 1)).toBeLessThan(0.1);
  });

  it('every inter-server message of channel c leaves and enters by rail c’s NIC, and nothing crosses rails', () => {
    const { interServer, spineDataPackets } = run({ kind: 'allreduce', algorithm: 'ring', bytes: '4MiB' });
    expect(interServer.length).toBeGreaterThan(0);
    for (const p of interServer) {
      expect(p.src % G).toBe(p.channel % G);
      expect(p.dst % G).toBe(p.channel % G);
    }
    expect(spineDataPackets).toBe(0);
  });

  it('without PXN the server’s last GPU sends by its own NIC: messages cross rails at the spines', () => {
    const { interServer, spineDataPackets } = run({ kind: 'allreduce', algorithm: 'ring', bytes: '4MiB', pxn: false });
    expect(interServer.some((p) => p.src % G !== p.dst % G)).toBe(true);
    expect(spineDataPackets).toBeGreaterThan(0);
  });

  it('a ring of 8 channels uses every rail once at each server', () => {
    const { interServer } = run({ kind: 'allgather', bytes: '1MiB', channels: 8 });
    expect(new Set(interServer.map((p) => p.src % G)).size).toBe(G);
  });
});

describe('NCCL trees on rail-optimized servers', () => {
  it('tree all-reduce, 2 × 8 GPUs, 32 MiB: NVLink-bound pipeline of the chains, within 10%', () => {
    const S = 32 << 20;
    const slice = 16 << 10;
    // Unlimited slots: the closed form below has every slice in flight; NCCL's 8 slots of 16 KiB
    // each (128 KiB per connection) are below NVLink's bandwidth-delay product and would bind.
    const { tookUs, net, interServer, spineDataPackets } = run({ kind: 'allreduce', algorithm: 'tree', bytes: S, chunkBytes: slice, slots: 'unlimited' });
    // Per channel a GPU in the middle of its server's chain sends S/C up and S/C down over
    // NVLink; at the head (its rail's 2 channels) only down, at the tail (2 channels) only up.
    const C = 2 * G;
    const streams = 2 * (C - 4) + 2 + 2;
    const { mtuBytes, headerBytes } = net.config;
    const nvlinkBytesPerUs = ((NVLINK_GBPS * 1e3) / 8) * (mtuBytes / (mtuBytes + headerBytes));
    // Pipeline fill: the deepest path is G hops up (7 in a chain, 1 between servers) and G down,
    // each a slice at the port's share of 1/streams.
    const depth = G;
    const modelUs = (streams * (S / C)) / nvlinkBytesPerUs + (2 * depth * streams * slice) / nvlinkBytesPerUs;
    expect(Math.abs(tookUs / modelUs - 1)).toBeLessThan(0.1);
    // Tree edges between servers join the NICs of the channel's rail.
    expect(interServer.length).toBeGreaterThan(0);
    for (const p of interServer) {
      expect(p.src % G).toBe(p.channel % G);
      expect(p.dst % G).toBe(p.channel % G);
    }
    expect(spineDataPackets).toBe(0);
  });
});

describe('PXN for all-to-all on a rail-optimized fabric', () => {
  it('with PXN (default) every inter-server message stays on the destination’s rail: no spine carries data', () => {
    const { interServer, spineDataPackets } = run({ kind: 'alltoall', bytes: '1MiB' });
    expect(interServer.length).toBeGreaterThan(0);
    for (const p of interServer) expect(p.src % G).toBe(p.dst % G);
    expect(spineDataPackets).toBe(0);
  });

  it('without PXN messages to other rails leave by the sender’s NIC and cross the spines', () => {
    const { interServer, spineDataPackets } = run({ kind: 'alltoall', bytes: '1MiB', pxn: false });
    // 8 × 8 rank pairs per direction between the servers, 7 of every 8 on other rails.
    expect(interServer.filter((p) => p.src % G !== p.dst % G).length).toBe(2 * G * (G - 1));
    expect(spineDataPackets).toBeGreaterThan(0);
  });
});

describe('effective bandwidth: the least time the scale-out fabric needs over the time taken', () => {
  it('scale-out bytes per NIC per byte of S: nccl-tests’ bus factors on servers of one GPU, 0 inside one server', () => {
    const ranks = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(scaleOutFactor('allreduce', ranks(16), 1)).toBeCloseTo(30 / 16, 12);
    expect(scaleOutFactor('gather', ranks(16), 1)).toBeCloseTo(15 / 16, 12);
    expect(scaleOutFactor('alltoall', ranks(16), 1)).toBeCloseTo(15 / 16, 12);
    expect(scaleOutFactor('broadcast', ranks(16), 1)).toBe(1);
    expect(scaleOutFactor('allreduce', ranks(8), 8)).toBe(0);
    // M = 4 servers of 8: a server sends 2·3/4·S through 8 NICs.
    expect(scaleOutFactor('allreduce', ranks(32), 8)).toBeCloseTo(1.5 / 8, 12);
    expect(scaleOutFactor('alltoall', ranks(32), 8)).toBeCloseTo(24 / 32, 12);
  });

  it.each([
    { kind: 'allreduce', algorithm: 'ring', bytes: '16MiB' },
    { kind: 'allreduce', algorithm: 'hierarchical', bytes: '16MiB' },
    { kind: 'allgather', bytes: '16MiB' },
    { kind: 'alltoall', bytes: '4MiB' },
  ])('$kind $algorithm on 2 × 8 GPUs stays within the header goodput', (workload) => {
    const s = spec({
      topology: { kind: 'rail-optimized', gpus: 2 * G, gpusPerNode: G, radix: 16, tiers: 2, linkGbps: NIC_GBPS },
      fabrics: ['spectrum-x'],
      workload,
    });
    const r = runFirst(s);
    expect(r.completed).toBe(true);
    expect(r.effectiveBandwidth).toBeGreaterThan(0);
    expect(r.effectiveBandwidth).toBeLessThanOrEqual(4096 / 4178);
  });
});
