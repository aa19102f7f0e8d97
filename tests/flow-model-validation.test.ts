import { describe, expect, it } from 'vitest';
import { resolveFabric, runFabric, simulateModel, validateSpec, type FabricResult } from '../src/experiment/index.js';
import { FlowNetwork, Network } from '../src/fabric/index.js';

/**
 * The flow model against the packet model (the ground truth) on the same specs, as the
 * issue asks: ring and hierarchical all-reduce completion within 10% on 1:1 fabrics, ECMP
 * permutation effective bandwidth within 0.05, 4:1 oversubscribed all-to-all within 15%.
 * Sizes are kept small so the packet runs take a few seconds each.
 */
function both(preset: string, document: Record<string, unknown>): { packet: FabricResult; flow: FabricResult } {
  const s = validateSpec({ name: 'validation', seed: 1, fabrics: [preset], ...document });
  const packet = runFabric(s, resolveFabric({ preset }));
  const flow = runFabric(s, resolveFabric({ preset, model: 'flow' }));
  expect(packet.completed && flow.completed).toBe(true);
  expect(flow.model).toBe('flow');
  expect(flow.bytesDelivered).toBe(packet.bytesDelivered);
  return { packet, flow };
}

const relative = (r: { packet: FabricResult; flow: FabricResult }) => Math.abs(r.flow.completionUs - r.packet.completionUs) / r.packet.completionUs;

describe('flow model against the packet model', () => {
  it('ring all-reduce, 128 GPUs, leaf-spine 1:1, ethernet: completion within 10%', () => {
    const r = both('ethernet', {
      topology: { kind: 'leaf-spine', gpus: 128, gpusPerLeaf: 16 },
      workload: { kind: 'allreduce', algorithm: 'ring', bytes: '4MiB' },
    });
    expect(relative(r)).toBeLessThan(0.1);
  });

  it('hierarchical all-reduce, 128 GPUs, rail-optimized 1:1 with NVLink, ethernet: completion within 10%', () => {
    const r = both('ethernet', {
      topology: { kind: 'rail-optimized', gpus: 128, radix: 32 },
      workload: { kind: 'allreduce', algorithm: 'hierarchical', bytes: '8MiB' },
    });
    expect(relative(r)).toBeLessThan(0.1);
  });

  it('ECMP permutation, 128 GPUs, leaf-spine: the same flows collide, effective bandwidth within 0.05', () => {
    const r = both('ethernet', {
      topology: { kind: 'leaf-spine', gpus: 128, gpusPerLeaf: 16 },
      workload: { kind: 'permutation', bytes: '1MiB' },
    });
    // ECMP collisions hold both far below line rate: the test is only meaningful if they do.
    expect(r.packet.effectiveBandwidth).toBeLessThan(0.5);
    expect(Math.abs(r.flow.effectiveBandwidth - r.packet.effectiveBandwidth)).toBeLessThan(0.05);
  });

  it('ECMP permutation, 1,024 GPUs, three-tier fat-tree: effective bandwidth within 0.05', () => {
    const r = both('ethernet', {
      topology: { kind: 'fat-tree', radix: 16 },
      workload: { kind: 'permutation', bytes: '128KiB' },
    });
    expect(r.packet.effectiveBandwidth).toBeLessThan(0.5);
    expect(Math.abs(r.flow.effectiveBandwidth - r.packet.effectiveBandwidth)).toBeLessThan(0.05);
  });

  it('all-to-all, 128 GPUs, leaf-spine 4:1, roce (ECMP, lossless): completion within 15%', () => {
    const r = both('roce', {
      topology: { kind: 'leaf-spine', gpus: 128, gpusPerLeaf: 16, oversubscription: 4 },
      workload: { kind: 'alltoall', bytes: '2MiB' },
    });
    expect(relative(r)).toBeLessThan(0.15);
  });

  it('ECMP puts each flow on the same leaf uplink and spine downlink in both models', () => {
    const s = validateSpec({
      name: 'same-paths',
      seed: 3,
      fabrics: ['ethernet'],
      topology: { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 8, spines: 4 }, // 2 parallel links per leaf–spine pair
      workload: { kind: 'permutation', bytes: '8KiB' },
    });
    const packet = simulateModel(s, resolveFabric({ preset: 'ethernet' })).net as Network;
    const usedPacket: string[] = [];
    const parallel = 2; // 8 uplinks per leaf over 4 spines
    packet.topology.switches.forEach((sw) => {
      if (sw.tier === 0) sw.upPorts.forEach((p, u) => p.dataPacketsTx > 0 && usedPacket.push(`${sw.name} up ${u}`));
      else sw.downPorts.forEach((p, i) => p.dataPacketsTx > 0 && usedPacket.push(`${sw.name} down ${Math.floor(i / parallel)}.${i % parallel}`));
    });
    // The flow model: which links its flows were put on (before any solve, every flow is on its path).
    const flowRun = simulateModel({ ...s, limits: { maxEvents: 1 } }, resolveFabric({ preset: 'ethernet', model: 'flow' }));
    const net = flowRun.net as FlowNetwork;
    const g = net.links;
    const U = g.leafUplinks;
    const P = net.layout.parallel;
    expect(P).toBe(parallel);
    const usedFlow: string[] = [];
    for (let link = g.leafUp; link < g.spineUp; link++) {
      if (net.solver.flowsOnLink(link).length === 0) continue;
      const cable = link < g.leafDown ? link - g.leafUp : link - g.leafDown;
      const leaf = Math.floor(cable / U);
      const u = cable % U;
      if (link < g.leafDown) usedFlow.push(`leaf${leaf} up ${u}`);
      else usedFlow.push(`spine${Math.floor(u / P)} down ${leaf}.${u % P}`);
    }
    expect(usedFlow.length).toBeGreaterThan(20);
    expect(usedFlow.sort()).toEqual(usedPacket.sort());
  });
});
