import { describe, expect, it } from 'vitest';
import { psFromNs, psFromUs, seed32, serializationPs, Simulator } from '../src/engine/index.js';
import { resolveFabric, runFabric, validateSpec } from '../src/experiment/index.js';
import { FlowNetwork, MaxMinSolver, Network, PRESETS, type FailureEvent, type FabricConfig, type FluidFlow, type TopologySpec } from '../src/fabric/index.js';
import { fiveTupleHash, mix32 } from '../src/fabric/hash.js';

/** 4 GPUs: 2 leaves of 2 hosts (ports 0-1), 2 uplinks each (ports 2-3) to 2 spines; 100 Gb/s, 200 ns links. */
const TWO_SPINES: TopologySpec = { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 200 };
const SEED = 1;
const BYTES = 1_000_000;
/** Payload plus a header per 4 KiB frame, and the time it takes at `gbps`, in ps. */
const WIRE = BYTES + Math.ceil(BYTES / 4096) * 82;
const drainPs = (gbps: number) => Math.ceil((WIRE * 8_000) / gbps);
/** One path latency over 4 hops: propagation on each, the last frame store-and-forwarded on 3. */
const LATENCY_PS = 4 * psFromNs(200) + 3 * serializationPs(BYTES - (Math.ceil(BYTES / 4096) - 1) * 4096 + 82, 100);
const T_US = 10;
const RECONVERGE_US = 50;

const config = (overrides: Partial<FabricConfig> = {}): FabricConfig => ({ ...PRESETS['ethernet']!, routingReconvergeUs: RECONVERGE_US, ...overrides }) as FabricConfig;

/** GPU 0 sends BYTES to GPU 2 (the other leaf) on a fresh flow network with `failures`; its delivery time and flow. */
function loneFlow(failures: FailureEvent[], cfg = config()) {
  const sim = new Simulator();
  const net = new FlowNetwork(sim, TWO_SPINES, cfg, SEED);
  net.scheduleFailures(failures, SEED);
  const flow = net.openFlow(0, 2);
  let donePs = NaN;
  net.send(flow, BYTES, (t) => (donePs = t));
  sim.run();
  return { donePs, flow, net };
}

/** ECMP's law at leaf 0, computed here: the packet model's UDP source port of flow 0, its 5-tuple hash salted by leaf0, mod 2 uplinks. */
function ecmpUplink(): number {
  const sport = 0xc000 | (mix32(0 ^ seed32(SEED, 'udp-source-ports')) & 0x3fff);
  return mix32(fiveTupleHash(0, 2, sport) ^ seed32(SEED, 'leaf0')) % 2;
}

describe('flow model failures: one flow, closed forms', () => {
  const u = ecmpUplink();
  const down = (atUs: number, state: 'down' | 'up' = 'down'): FailureEvent => ({ atUs, link: { tier: 'leaf', switch: 0, port: 2 + u }, state });

  it('no failure: the flow drains at line rate (the reference for the cases below)', () => {
    expect(loneFlow([]).donePs).toBe(drainPs(100) + LATENCY_PS);
  });

  it('ECMP: its spine uplink fails at t; line rate before t, a stall for the reconvergence time, then the rest at line rate on the other spine', () => {
    const sim = new Simulator();
    const net = new FlowNetwork(sim, TWO_SPINES, config(), SEED);
    net.scheduleFailures([down(T_US)], SEED);
    const flow = net.openFlow(0, 2) as FluidFlow;
    let donePs = NaN;
    net.send(flow, BYTES, (t) => (donePs = t));
    const uplinkOf = (f: FluidFlow) => f.links.find((l) => l >= net.links.leafUp && l < net.links.leafUp + 2)! - net.links.leafUp;
    const seen: { rate: number; leftBytes: number; uplink: number }[] = [];
    const probe = { onEvent: () => seen.push({ rate: flow.rate, leftBytes: flow.remainingBytes, uplink: uplinkOf(flow) }) };
    sim.at(psFromUs(T_US + RECONVERGE_US / 2), probe, 0);
    sim.at(psFromUs(T_US + RECONVERGE_US + 1), probe, 0);
    expect(uplinkOf(flow)).toBe(u);
    sim.run();
    // Stalled on the dead uplink: rate 0, exactly the bytes of t µs at 100 Gb/s sent.
    expect(seen[0]!.rate).toBe(0);
    expect(seen[0]!.uplink).toBe(u);
    expect(seen[0]!.leftBytes).toBeCloseTo(WIRE - (100 * psFromUs(T_US)) / 8_000, 6);
    // Rerouted at reconvergence: the only routable uplink, at line rate.
    expect(seen[1]!.rate).toBe(100);
    expect(seen[1]!.uplink).toBe(1 - u);
    expect(Math.abs(donePs - (psFromUs(RECONVERGE_US) + drainPs(100) + LATENCY_PS))).toBeLessThanOrEqual(1);
  });

  it('ECMP: the link comes back before routing reconverged: the flow stalls only while it was down, on its own uplink', () => {
    const { donePs, flow, net } = loneFlow([down(T_US), down(T_US + 20, 'up')]);
    expect(flow.links).toContain(net.links.leafUp + u);
    expect(Math.abs(donePs - (psFromUs(20) + drainPs(100) + LATENCY_PS))).toBeLessThanOrEqual(1);
  });

  it('spray: a dead uplink of its own leaf is skipped at once, so the lone flow (host-link bound) loses nothing', () => {
    const { donePs, flow, net } = loneFlow([down(T_US)], config({ routing: 'spray' }));
    expect(flow.links).toContain(net.links.leafUp + (1 - u));
    expect(flow.links).not.toContain(net.links.leafUp + u);
    expect(Math.abs(donePs - (drainPs(100) + LATENCY_PS))).toBeLessThanOrEqual(1);
  });

  it('spray: a dead spine downlink further on is known only through routing; half the split is lost, so the flow stalls until reconvergence', () => {
    // Spine 0's port 1 goes down to leaf 1: the leaf-0 switch cannot see it.
    const failure: FailureEvent = { atUs: T_US, link: { tier: 'spine', switch: 0, port: 1 }, state: 'down' };
    const { donePs, flow, net } = loneFlow([failure], config({ routing: 'spray' }));
    // After reconvergence leaf 0 sends it all by spine 1 (leaf-spine cable l·2 + s), none split any more.
    const g = net.links;
    expect(flow.links).toEqual([g.hostUp + 0, g.leafUp + 0 * 2 + 1, g.leafDown + 1 * 2 + 1, g.hostDown + 2]);
    expect(flow.weights).toBeNull();
    expect(Math.abs(donePs - (psFromUs(RECONVERGE_US) + drainPs(100) + LATENCY_PS))).toBeLessThanOrEqual(1);
  });

  it('a degraded host link serializes at its new rate: half the rate, twice the drain time; mid-run, line rate until then', () => {
    const degraded = (atUs: number): FailureEvent => ({ atUs, link: { tier: 'leaf', switch: 0, port: 0 }, state: 'degraded', rateGbps: 50 });
    expect(Math.abs(loneFlow([degraded(0)]).donePs - (drainPs(50) + LATENCY_PS))).toBeLessThanOrEqual(1);
    // t at 100 Gb/s, then what is left at 50: t + 2 (drain − t).
    const t = psFromUs(T_US);
    expect(Math.abs(loneFlow([degraded(T_US)]).donePs - (t + 2 * ((WIRE * 8_000) / 100 - t) + LATENCY_PS))).toBeLessThanOrEqual(1);
  });
});

/** 16 GPUs: 2 leaves of 8 (ports 0-7 hosts, 8-15 uplinks) and 8 spines; and a 3-tier fat-tree of 16 GPUs in 4 pods. */
const LEAF_SPINE: TopologySpec = { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, oversubscription: 1, linkGbps: 100, linkDelayNs: 200 };
const FAT_TREE: TopologySpec = validateSpec({ name: 't', topology: { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 200 }, fabrics: ['ethernet'], workload: { kind: 'permutation', bytes: 1 } }).topology;

/** The two ends of a flow-model link, by the numbering link-graph.ts documents (named as the packet builder names nodes). */
function linkEnds(net: FlowNetwork, link: number): string {
  const g = net.links;
  const L = net.layout;
  const U = g.leafUplinks;
  const C = L.coresPerPlane;
  const S = L.spinesPerPod;
  const spine = (p: number, j: number) => L.shape.spineName(p, j);
  const pair = (a: string, b: string) => [a, b].sort().join('|');
  if (link < g.hostDown) return pair(`gpu${link}`, `leaf${L.leafOf(link)}`);
  if (link < g.leafUp) return pair(`gpu${link - g.hostDown}`, `leaf${L.leafOf(link - g.hostDown)}`);
  if (link < g.spineUp) {
    const i = (link - g.leafUp) % (g.leafDown - g.leafUp);
    const l = Math.floor(i / U);
    return pair(`leaf${l}`, spine(Math.floor(l / L.leavesPerPod), Math.floor((i % U) / L.parallel)));
  }
  const i = (link - g.spineUp) % (g.spineDown - g.spineUp);
  const ps = Math.floor(i / C);
  return pair(spine(Math.floor(ps / S), ps % S), `plane${ps % S}/core${i % C}`);
}

const FAILURES: FailureEvent[] = [
  { atUs: 0, random: { tier: 'spine', linksPercent: 10 }, state: 'down' },
  { atUs: 10, link: { tier: 'leaf', switch: 0, port: 5 }, state: 'degraded', rateGbps: 40 },
  { atUs: 12, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'down' },
  { atUs: 15, switch: { tier: 'spine', index: 3 }, state: 'down' },
  { atUs: 60, switch: { tier: 'spine', index: 3 }, state: 'up' },
];

describe('flow model failures: the packet model\'s cables, exact max-min, conservation', () => {
  it.each([
    ['leaf-spine', LEAF_SPINE, [{ atUs: 0, random: { tier: 'spine', linksPercent: 30 }, state: 'down' }, { atUs: 0, switch: { tier: 'leaf', index: 1 }, state: 'down' }]],
    ['fat-tree', FAT_TREE, [{ atUs: 0, random: { tier: 'core', linksPercent: 40 }, state: 'down' }, { atUs: 0, random: { tier: 'spine', linksPercent: 20 }, state: 'down' }, { atUs: 0, link: { tier: 'spine', switch: 5, port: 3 }, state: 'down' }]],
  ] as [string, TopologySpec, FailureEvent[]][])('%s: the cables a spec fails are the ones the packet model fails (the same seeded draw)', (_, topology, failures) => {
    const s = validateSpec({ name: 't', seed: 7, topology, fabrics: ['ethernet'], workload: { kind: 'permutation', bytes: 1 }, failures });
    const packet = new Network(new Simulator(), s.topology, resolveFabric(s.fabrics[0]!), s.seed);
    packet.scheduleFailures(s.failures, s.seed);
    const packetDown = new Set<string>();
    for (const sw of packet.topology.switches) for (const port of sw.ports) if (port.down) packetDown.add([sw.name, port.link.to.name].sort().join('|'));
    const flow = new FlowNetwork(new Simulator(), s.topology, resolveFabric(s.fabrics[0]!), s.seed);
    flow.scheduleFailures(s.failures, s.seed);
    const flowDown = new Set<string>();
    for (let link = 0; link < flow.links.count; link++) if (flow.links.capacityGbps(link) === 0) flowDown.add(linkEnds(flow, link));
    expect(packetDown.size).toBeGreaterThan(3);
    expect([...flowDown].sort()).toEqual([...packetDown].sort());
  });

  it.each([
    ['ecmp', LEAF_SPINE],
    ['spray', LEAF_SPINE],
    ['adaptive', LEAF_SPINE],
    ['flowlet', LEAF_SPINE],
    ['ecmp', FAT_TREE],
    ['spray', FAT_TREE],
  ] as [string, TopologySpec][])('%s on %s: after every failure the incremental rates equal a from-scratch max-min solve, and every byte arrives', (routing, topology) => {
    const sim = new Simulator();
    const net = new FlowNetwork(sim, topology, config({ routing: routing as FabricConfig['routing'], routingReconvergeUs: 30 }), SEED);
    // Leaf 0 of the fat-tree has 2 host ports and 2 uplinks, and a leaf reaches one plane per uplink: a core
    // switch fails instead of a spine, and the random share hits core cables (spine ones could cut a leaf pair apart).
    const failures =
      topology === FAT_TREE
        ? FAILURES.map((f) =>
            'switch' in f
              ? { ...f, switch: { tier: 'core', index: 1 } }
              : 'link' in f
                ? { ...f, link: { ...f.link, port: f.link.port === 9 ? 3 : 0 } }
                : { ...f, random: { tier: 'core', linksPercent: 10 } },
          )
        : FAILURES;
    net.scheduleFailures(validateSpec({ name: 't', topology, fabrics: ['ethernet'], workload: { kind: 'permutation', bytes: 1 }, failures }).failures, SEED);
    const flows = Array.from({ length: 16 }, (_, i) => net.openFlow(i, (i + 5) % 16) as FluidFlow);
    let delivered = 0;
    flows.forEach((f, i) => net.send(f, (i + 1) * 65_536, () => (delivered += (i + 1) * 65_536)));
    let stalled = 0;
    let checks = 0;
    let compared = 0;
    const probe = {
      onEvent: () => {
        const scratch = new MaxMinSolver(net.links.count, (l) => net.links.capacityGbps(l));
        const active = flows.filter((f) => f.active);
        const copies = active.map((f) => ({ links: f.links, weights: f.weights, rate: 0, prevRate: 0, slot: -1 }));
        copies.forEach((c) => scratch.add(c));
        scratch.solve();
        active.forEach((f, i) => expect(Math.abs(f.rate - copies[i]!.rate)).toBeLessThanOrEqual(1e-9 * 100));
        stalled += active.filter((f) => f.rate === 0).length;
        compared += active.length;
        checks++;
      },
    };
    for (const us of [5, 11, 13, 20, 44, 50, 70, 95]) sim.at(psFromUs(us), probe, 0);
    sim.run();
    expect(checks).toBe(8);
    expect(compared).toBeGreaterThan(30);
    expect(delivered).toBe((16 * 17 * 65_536) / 2);
    const m = net.metrics;
    expect(m.bytesDelivered).toBe(delivered);
    expect(m.dataBytesSent).toBe(m.dataBytesArrived);
    // A down spine stalls ECMP's (and flowlet's) flows on it until reconvergence; spraying skips a dead local port at once.
    if (routing === 'ecmp' || routing === 'flowlet') expect(stalled).toBeGreaterThan(0);
  });

  it('same seed, same result; the flow model runs a spec with failures end to end', () => {
    const document = {
      name: 't',
      seed: 3,
      topology: LEAF_SPINE,
      fabrics: [{ preset: 'ethernet', model: 'flow', routingReconvergeUs: 30 }],
      workload: { kind: 'permutation', bytes: '1MiB' },
      failures: FAILURES,
    };
    const run = () => runFabric(validateSpec(document), resolveFabric(validateSpec(document).fabrics[0]!));
    const a = run();
    expect(a.completed).toBe(true);
    expect(a.model).toBe('flow');
    const { wallMs: _a, ...first } = a as typeof a & { wallMs?: number };
    const { wallMs: _b, ...second } = run() as typeof a & { wallMs?: number };
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
