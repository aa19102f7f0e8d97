import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { Network, type FailureEvent, type Flow } from '../src/fabric/index.js';
import { mix32 } from '../src/fabric/hash.js';
import { resolveFabric, SpecError } from '../src/experiment/index.js';
import { runFirst, simulate, spec } from './helpers.js';

/** 16 GPUs: 2 leaves of 8 hosts (ports 0-7), 8 uplinks each (ports 8-15) to 8 spines; 100 Gb/s, 200 ns links. */
const TOPOLOGY = { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 200 } as const;
const WIRE_BYTES = 4096 + 82;

describe('failures keep packets and bytes conserved', () => {
  it.each([
    ['ethernet', {}],
    ['roce', {}],
    ['spectrum-x', {}],
    ['ethernet', { routing: 'spray' }],
    ['ethernet', { routing: 'flowlet' }],
    ['spectrum-x', { routing: 'adaptive-global' }],
  ])('%s %o: a spine uplink down mid-run, a spine down and back, a tenth of spine links from the start', (preset, routing) => {
    const { net, workload: w, stop, m } = simulate(
      spec({
        topology: TOPOLOGY,
        fabrics: [{ preset, ...routing, routingReconvergeUs: 30 }],
        workload: { kind: 'permutation', bytes: '512KiB' },
        failures: [
          { atUs: 0, random: { tier: 'spine', linksPercent: 10 }, state: 'down' },
          { atUs: 10, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'down' },
          { atUs: 15, switch: { tier: 'spine', index: 3 }, state: 'down' },
          { atUs: 60, switch: { tier: 'spine', index: 3 }, state: 'up' },
        ],
      }),
    );
    expect(stop).toBe('idle');
    expect(w.finished).toBe(true);
    expect(m.bytesDelivered).toBe(w.totalBytes);
    expect(m.failureDrops).toBeGreaterThan(0);
    expect(m.dataPacketsDropped).toBe(m.drops + m.failureDrops);
    expect(m.dataPacketsSent).toBe(m.dataPacketsArrived + m.dataPacketsDropped);
    expect(m.dataBytesSent).toBe(m.dataBytesArrived + m.dataBytesDropped);
    for (const sw of net.topology.switches) expect(sw.bufferBytes).toBe(0);
  });
});

/** Leaf 0's 8 GPUs each send `bytes` to GPU 8 + i on leaf 1; returns each flow's uplink port on leaf 0 and its completion. */
function leafToLeaf(preset: string, bytes: number, failures: FailureEvent[], overrides: Record<string, unknown> = {}) {
  const s = spec({ topology: TOPOLOGY, fabrics: [{ preset, ...overrides }], workload: { kind: 'permutation', bytes: 1 } });
  const sim = new Simulator();
  const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
  net.scheduleFailures(failures, s.seed);
  const leaf = net.topology.switches[0]!;
  const flows = Array.from({ length: 8 }, (_, i) => net.openFlow(i, 8 + i) as Flow);
  const doneUs: number[] = [];
  flows.forEach((f, i) => net.send(f, bytes, (atPs) => (doneUs[i] = atPs / 1e6)));
  sim.run();
  // ECMP's law: the 5-tuple hash salted per switch, modulo the equal-cost ports (computed here, not read from the run).
  const uplink = flows.map((f) => leaf.candidatesFor(f.dst.host)[mix32(f.hash ^ leaf.salt) % 8]!.index);
  // The ACKs' uplink on leaf 1 (port 8 + k goes to spine k on both leaves).
  const leaf1 = net.topology.switches[1]!;
  const ackUplink = flows.map((f) => leaf1.candidatesFor(f.src.host)[mix32(f.reverseHash ^ leaf1.salt) % 8]!.index);
  return { net, doneUs, uplink, ackUplink };
}

describe('a degraded link', () => {
  it('serializes at its new rate, exactly: 64 KiB over a host link degraded to 25 Gb/s', () => {
    const s = spec({ topology: TOPOLOGY, fabrics: ['ethernet'], workload: { kind: 'permutation', bytes: 1 } });
    const sim = new Simulator();
    const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
    net.scheduleFailures([{ atUs: 0, link: { tier: 'leaf', switch: 0, port: 0 }, state: 'degraded', rateGbps: 25 }], s.seed);
    let donePs = NaN;
    net.send(net.openFlow(0, 8), 16 * 4096, (atPs) => (donePs = atPs));
    sim.run();
    // GPU 0's NIC sends back to back at 25 Gb/s; the 3 hops after it (leaf, spine, leaf at 100 Gb/s) are faster, so never queue.
    expect(donePs).toBe(16 * serializationPs(WIRE_BYTES, 25) + 3 * serializationPs(WIRE_BYTES, 100) + 4 * psFromNs(200));
    // Restored to 100 Gb/s, the same message takes the undegraded time.
    net.scheduleFailures([{ atUs: sim.nowPs / 1e6 + 1, link: { tier: 'leaf', switch: 0, port: 0 }, state: 'up' }], s.seed);
    sim.run();
    const startPs = sim.nowPs;
    net.send(net.openFlow(0, 8), 16 * 4096, (atPs) => (donePs = atPs - startPs));
    sim.run();
    expect(donePs).toBe(16 * serializationPs(WIRE_BYTES, 100) + 3 * serializationPs(WIRE_BYTES, 100) + 4 * psFromNs(200));
  });
});

describe('routing around a failed spine uplink', () => {
  const bytes = 1 << 20;

  it('ECMP: the flows hashed onto it stall until routing reconverges, then complete', () => {
    const { uplink: planned, ackUplink } = leafToLeaf('ethernet', 1, []);
    const failedPort = planned[0]!;
    const [failUs, reconvergeUs] = [20, 150];
    const { doneUs, net } = leafToLeaf('ethernet', bytes, [{ atUs: failUs, link: { tier: 'leaf', switch: 0, port: failedPort }, state: 'down' }], {
      routingReconvergeUs: reconvergeUs,
    });
    const hit = planned.flatMap((p, i) => (p === failedPort ? [i] : []));
    expect(hit.length).toBeGreaterThan(0);
    // A flow that needs 1 MiB at 100 Gb/s (> 80 µs) cannot finish by 20 µs; its packets die until the leaf reroutes.
    for (const i of hit) expect(doneUs[i]).toBeGreaterThanOrEqual(failUs + reconvergeUs);
    expect(doneUs.filter((t) => t !== undefined)).toHaveLength(8);
    // A flow off the failed cable both ways finishes as ECMP's collisions alone allow: c flows on its uplink share 100 Gb/s.
    const packetUs = serializationPs(WIRE_BYTES, 100) / 1e6;
    const pathUs = 3 * packetUs + 4 * 0.2;
    const spared = planned.flatMap((p, i) => (p !== failedPort && ackUplink[i] !== failedPort ? [i] : []));
    expect(spared.length).toBeGreaterThan(0);
    for (const i of spared) {
      const sharing = planned.filter((p) => p === planned[i]).length;
      expect(doneUs[i]).toBeLessThanOrEqual(sharing * (bytes / 4096) * packetUs + pathUs + 1e-6);
    }
    expect(net.metrics.failureDrops).toBeGreaterThan(0);
  });

  it('adaptive routing (no CC: routing alone) loses at most the lost capacity share: 8 senders over 7 of 8 uplinks', () => {
    const { doneUs, net } = leafToLeaf('spectrum-x', bytes, [{ atUs: 0, link: { tier: 'leaf', switch: 0, port: 8 }, state: 'down' }], { cc: 'none' });
    // 8 flows' wire bytes through 7 uplinks of 100 Gb/s, plus one packet's store-and-forward path (4 hops).
    const packetsPerFlow = Math.ceil(bytes / 4096);
    const capacityPs = (8 * packetsPerFlow * serializationPs(WIRE_BYTES, 100)) / 7;
    const pathPs = 4 * (serializationPs(WIRE_BYTES, 100) + psFromNs(200));
    expect(net.metrics.failureDrops).toBe(0);
    expect(Math.max(...doneUs) * 1e6).toBeGreaterThanOrEqual(capacityPs);
    expect(Math.max(...doneUs) * 1e6).toBeLessThanOrEqual(1.05 * capacityPs + pathPs);
  });
});

describe('failures are deterministic and validated', () => {
  const document = {
    topology: TOPOLOGY,
    fabrics: [{ preset: 'ethernet', routingReconvergeUs: 20 }],
    workload: { kind: 'permutation', bytes: '256KiB' },
    failures: [
      { atUs: 0, random: { tier: 'spine', linksPercent: 20 }, state: 'down' },
      { atUs: 5, link: { tier: 'spine', switch: 2, port: 1 }, state: 'degraded', rateGbps: 40 },
    ],
  };

  it('same seed, same result', () => {
    const strip = (r: { wallMs: number }) => ({ ...r, wallMs: 0 });
    const a = strip(runFirst(spec(document)));
    expect(a).toEqual(strip(runFirst(spec(document))));
    expect(a).toHaveProperty('failureDrops');
  });

  it.each([
    [{ atUs: 1, link: { tier: 'core', switch: 0, port: 0 }, state: 'down' }, /failures\.0\.link\.tier.*expected one of leaf, spine, got "core"/],
    [{ atUs: 1, link: { tier: 'spine', switch: 8, port: 0 }, state: 'down' }, /failures\.0\.link\.switch.*below 8, got 8/],
    [{ atUs: 1, link: { tier: 'spine', switch: 0, port: 2 }, state: 'down' }, /failures\.0\.link\.port.*below 2/],
    [{ atUs: 1, switch: { tier: 'leaf', index: 2 }, state: 'down' }, /failures\.0\.switch\.index.*below 2, got 2/],
    [{ atUs: 1, link: { tier: 'leaf', switch: 0, port: 0 }, state: 'degraded' }, /failures\.0\.rateGbps.*required when state is degraded/],
    [{ atUs: 1, state: 'down' }, /exactly one of link, switch or random/],
    [{ atUs: 1, random: { tier: 'spine', linksPercent: 120 }, state: 'down' }, /linksPercent.*0 to 100/],
  ])('%o is refused with one line naming the field', (failure, expected) => {
    expect(() => spec({ ...document, failures: [failure] })).toThrow(SpecError);
    expect(() => spec({ ...document, failures: [failure] })).toThrow(expected);
  });

  it('the flow model accepts failures on a folded Clos (tests/flow-failures.test.ts)', () => {
    expect(spec({ ...document, fabrics: [{ preset: 'ethernet', model: 'flow' }] }).failures.length).toBeGreaterThan(0);
  });

});
