import { beforeAll, describe, expect, it } from 'vitest';
import { serializationPs, Simulator } from '../src/engine/index.js';
import { createFabricModel, type FabricModelName } from '../src/fabric/index.js';
import { resolveFabric, validateSpec } from '../src/experiment/index.js';

/**
 * Throughput laws of dragonfly routing (Kim et al. ISCA 2008), on lossless-enough Ethernet
 * with a NIC that places out-of-order packets (per-packet routing reorders), both models.
 * A fraction is the ideal time of a host's bytes at line rate over the measured finish.
 */
function fraction(topology: Record<string, unknown>, routing: string, model: FabricModelName, pairs: (n: number) => [number, number][], bytes: number): number {
  const fabric = { preset: 'ethernet', routing, lossRecovery: 'ooo', model };
  const spec = validateSpec({ name: 't', seed: 1, topology, fabrics: [fabric], workload: { kind: 'permutation', bytes: 4096 } });
  const sim = new Simulator();
  const net = createFabricModel(model, sim, spec.topology, resolveFabric(spec.fabrics[0]!), 1);
  let lastPs = 0;
  const perHost = new Map<number, number>();
  for (const [src, dst] of pairs(net.gpus)) {
    perHost.set(src, (perHost.get(src) ?? 0) + bytes);
    net.send(net.openFlow(src, dst), bytes, (t) => (lastPs = Math.max(lastPs, t)));
  }
  sim.run();
  expect(net.metrics.messagesDelivered).toBe(net.metrics.messagesPosted);
  return serializationPs(Math.max(...perHost.values()), 200) / lastPs;
}

// a = 4 routers of p = 2 hosts, h = 2 global links each: the largest such dragonfly has a·h + 1 = 9 groups, one link per pair.
const balanced = { kind: 'dragonfly', groups: 9, routersPerGroup: 4, hostsPerRouter: 2, globalLinksPerRouter: 2 };
const [a, p, g] = [4, 2, 9];
/** Every host of group i sends to its counterpart in group i + 1. */
const groupShift = (n: number): [number, number][] => Array.from({ length: n }, (_, s) => [s, (s + a * p) % n]);

describe('dragonfly routing under the adversarial group shift (group i → group i + 1)', () => {
  // Closed forms. Minimal: a group's a·p hosts share the one global link to the next group.
  const minimalLaw = 1 / (a * p);
  // Valiant: every global link but the direct one (which no path uses) carries a·p/(g−2) hosts' traffic twice
  // (first hop out of sources, second hop out of intermediates): at most (g − 2)/(2·a·p) of line rate; 1/2 as g → a·p·2 + 2.
  const valiantLaw = (g - 2) / (2 * a * p);
  const measured: Record<string, Record<string, number>> = { packet: {}, flow: {} };
  beforeAll(() => {
    for (const model of ['packet', 'flow'] as const)
      for (const routing of ['minimal', 'valiant', 'ugal']) measured[model]![routing] = fraction(balanced, routing, model, groupShift, 1 << 20);
  });

  it('minimal is limited to the one global link between two groups: 1/(a·p) of line rate', () => {
    expect(measured.flow!.minimal).toBeCloseTo(minimalLaw, 2);
    expect(measured.packet!.minimal).toBeGreaterThan(0.95 * minimalLaw);
    expect(measured.packet!.minimal).toBeLessThanOrEqual(minimalLaw);
  });

  it('valiant spreads it over every group: near its bound (g − 2)/(2·a·p) = 7/16, several times minimal', () => {
    for (const model of ['packet', 'flow']) {
      expect(measured[model]!.valiant, model).toBeLessThanOrEqual(valiantLaw + 1e-9);
      expect(measured[model]!.valiant, model).toBeGreaterThan(0.8 * valiantLaw);
    }
  });

  it('ugal detours: at least twice minimal (UGAL-L; measured against valiant in the README)', () => {
    for (const model of ['packet', 'flow']) expect(measured[model]!.ugal, model).toBeGreaterThan(1.5 * minimalLaw);
  });
});

describe('dragonfly routing under uniform traffic (all-to-all)', () => {
  // a = 4, p = h = 1: 5 groups of 4 hosts; each global link carries 4 × 4 of a host's 19 messages: host-limited.
  const uniform = { kind: 'dragonfly', groups: 5, routersPerGroup: 4, hostsPerRouter: 1, globalLinksPerRouter: 1 };
  const allToAll = (n: number): [number, number][] => Array.from({ length: n * n }, (_, i): [number, number] => [Math.floor(i / n), i % n]).filter(([s, d]) => s !== d);
  const measured: Record<string, Record<string, number>> = { packet: {}, flow: {} };
  beforeAll(() => {
    for (const model of ['packet', 'flow'] as const)
      for (const routing of ['minimal', 'valiant', 'ugal']) measured[model]![routing] = fraction(uniform, routing, model, allToAll, 1 << 16);
  });

  it('minimal runs near line rate', () => {
    expect(measured.flow!.minimal).toBeGreaterThan(0.9);
    expect(measured.packet!.minimal).toBeGreaterThan(0.85);
  });

  it('ugal stays near minimal; valiant, doubling every global hop, does not', () => {
    for (const model of ['packet', 'flow']) {
      expect(measured[model]!.ugal, model).toBeGreaterThan(0.8 * measured[model]!.minimal!);
      expect(measured[model]!.valiant, model).toBeLessThan(0.75 * measured[model]!.minimal!);
    }
  });
});
