import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { NVLINK_PORT, Switch } from '../src/fabric/index.js';
import { allPairs, allPorts, build, probe, samplePairs } from './topology-helpers.js';

/** Closed-form placement, written out here independently of the builders. */
interface Placement {
  /** Same server (NVLink), or -1 when the topology has none. */
  server(h: number): number;
  leaf(h: number): number;
  pod(leaf: number): number;
}

const fatTree = (gpusPerLeaf: number, leavesPerPod: number): Placement => ({
  server: () => -1,
  leaf: (h) => Math.floor(h / gpusPerLeaf),
  pod: (l) => Math.floor(l / leavesPerPod),
});

/** G GPUs per server, S servers per rail leaf, P groups (of G rail leaves) per pod. */
const rails = (G: number, S: number, P: number): Placement => ({
  server: (h) => Math.floor(h / G),
  leaf: (h) => Math.floor(h / G / S) * G + (h % G),
  pod: (l) => Math.floor(l / G / P),
});

function expectedHops(p: Placement, src: number, dst: number): number {
  if (p.server(src) >= 0 && p.server(src) === p.server(dst)) return 2;
  const a = p.leaf(src);
  const b = p.leaf(dst);
  return a === b ? 2 : p.pod(a) === p.pod(b) ? 4 : 6;
}

const CASES: [string, Record<string, unknown>, Placement, string[], 'all' | number][] = [
  ['non-blocking radix-4 fat-tree (k³/4 = 16 GPUs)', { kind: 'fat-tree', radix: 4 }, fatTree(2, 2), ['leaf', 'spine', 'core'], 'all'],
  [
    'radix-8 fat-tree, 3:1 leaves, partial last pod',
    { kind: 'fat-tree', radix: 8, oversubscription: 3, gpus: 54 },
    fatTree(6, 4),
    ['leaf', 'spine', 'core'],
    'all',
  ],
  [
    'radix-8 fat-tree, 3:1 spines',
    { kind: 'fat-tree', radix: 8, spineOversubscription: 3, gpus: 64 },
    fatTree(4, 6),
    ['leaf', 'spine', 'core'],
    'all',
  ],
  ['a fat-tree within one pod needs no cores', { kind: 'fat-tree', radix: 8, gpus: 16 }, fatTree(4, 4), ['leaf', 'spine'], 'all'],
  [
    'two-tier rail-optimized, 4 GPUs per server',
    { kind: 'rail-optimized', radix: 8, gpusPerNode: 4, gpus: 32 },
    rails(4, 4, 2),
    ['leaf', 'spine', 'nvlink'],
    'all',
  ],
  [
    'three-tier rail-optimized, 3:1 rail leaves, partial groups',
    { kind: 'rail-optimized', radix: 8, gpusPerNode: 4, oversubscription: 3, tiers: 3, gpus: 64 },
    rails(4, 6, 1),
    ['leaf', 'spine', 'core', 'nvlink'],
    'all',
  ],
  [
    'three-tier rail-optimized, 2 GPUs per server, partial pod',
    { kind: 'rail-optimized', radix: 8, gpusPerNode: 2, gpus: 80 },
    rails(2, 4, 2),
    ['leaf', 'spine', 'core', 'nvlink'],
    1500,
  ],
];

describe('every GPU pair routes along the minimal up-down path', () => {
  it.each(CASES)('%s', (_label, topology, placement, tiers, pairs) => {
    const { sim, net } = build(topology);
    const t = net.topology;
    expect(t.tierNames).toEqual(tiers);
    const ports = allPorts(net);
    const bytes = 1000;
    const frame = bytes + net.config.headerBytes;
    const nvlinkGbps = (topology.nvlinkGbps as number | undefined) ?? 3600;
    const fabricHopPs = serializationPs(frame, 400) + psFromNs(500);
    const nvlinkHopPs = serializationPs(frame, nvlinkGbps) + psFromNs(300);
    for (const [src, dst] of pairs === 'all' ? allPairs(t.nics.length) : samplePairs(t.nics.length, pairs)) {
      const hops = expectedHops(placement, src, dst);
      const viaNvlink = placement.server(src) >= 0 && placement.server(src) === placement.server(dst);
      const { tookPs, dataPorts } = probe(sim, net, ports, src, dst, bytes);
      const where = `${src}→${dst}`;
      // Store-and-forward: serialization and propagation on every hop, nothing else.
      expect(tookPs, where).toBe(hops * (viaNvlink ? nvlinkHopPs : fabricHopPs));
      expect(t.hops(src, dst), where).toBe(hops);
      expect(dataPorts.length, where).toBe(hops);
      // It left by the NIC port of its kind and went no higher than the lowest common tier.
      expect(dataPorts[0]!.owner, where).toBe(t.nics[src]);
      expect(dataPorts[0]!.index, where).toBe(viaNvlink ? NVLINK_PORT : 0);
      const tiersCrossed = dataPorts.slice(1).map((p) => t.tierNames[(p.owner as Switch).tier]);
      expect(new Set(tiersCrossed), where).toEqual(new Set(viaNvlink ? ['nvlink'] : tiers.slice(0, hops / 2)));
    }
  });
});

describe('tiers', () => {
  it('fabric switches come first with tiers below fabricTiers; NVSwitches follow, one per server, in the nvlink tier', () => {
    const { net } = build({ kind: 'rail-optimized', radix: 8, gpusPerNode: 4, gpus: 32 });
    const t = net.topology;
    expect(t.fabricTiers).toBe(2);
    const nv = t.switches.filter((s) => s.tier >= t.fabricTiers);
    expect(nv.length).toBe(32 / 4);
    expect(nv.every((s) => t.tierNames[s.tier] === 'nvlink' && s.ports.length === 4)).toBe(true);
    expect(t.switches.slice(-nv.length)).toEqual(nv);
    // Fabric: 8 rail leaves (2 groups × 4 rails), 4 spines, each leaf on every spine.
    const fabric = t.switches.filter((s) => s.tier < t.fabricTiers);
    expect(fabric.filter((s) => s.tier === 0).length).toBe(8);
    expect(fabric.filter((s) => s.tier === 1).map((s) => s.downPorts.length)).toEqual([8, 8, 8, 8]);
  });

  it('a non-blocking radix-k fat-tree has k pods of k/2 leaves and k/2 spines, (k/2)² cores, k³/4 GPUs', () => {
    const k = 8;
    const { net } = build({ kind: 'fat-tree', radix: k });
    const t = net.topology;
    const count = (tier: number) => t.switches.filter((s) => s.tier === tier).length;
    expect(t.nics.length).toBe(k ** 3 / 4);
    expect([count(0), count(1), count(2)]).toEqual([(k * k) / 2, (k * k) / 2, (k / 2) ** 2]);
    expect(t.switches.every((s) => s.ports.length === k)).toBe(true);
    expect(t.fabricTiers).toBe(3);
    expect(t.maxHops).toBe(6);
  });
});
