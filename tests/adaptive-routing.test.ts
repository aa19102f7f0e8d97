import { describe, expect, it } from 'vitest';
import { rngStream, Simulator } from '../src/engine/index.js';
import { Network, Packet, PRESETS, type FabricConfig, type Port, type Switch } from '../src/fabric/index.js';
import { AdaptiveRouting } from '../src/fabric/routing/adaptive.js';

/** Stand-ins for egress ports: adaptive routing reads only their queued data bytes. */
const ports = (depths: number[]): Port[] => depths.map((d, index) => ({ index, dataQueuedBytes: d }) as unknown as Port);

describe('adaptive routing picks the least-queued equal-cost port', () => {
  it('with one port strictly shortest, always that one', () => {
    const routing = new AdaptiveRouting(rngStream(1, 'ar-test'));
    const candidates = ports([8000, 4178, 12_000, 4179]);
    for (let i = 0; i < 200; i++) expect(routing.choose(candidates, new Packet()).index).toBe(1);
  });

  it('ties among the shortest are broken uniformly by the seeded stream, never towards a longer port', () => {
    const routing = new AdaptiveRouting(rngStream(2, 'ar-test'));
    const candidates = ports([4178, 0, 8356, 0, 0, 4178]);
    const n = 30_000;
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[routing.choose(candidates, new Packet()).index]!++;
    expect(counts[0]! + counts[2]! + counts[5]!).toBe(0);
    // Each of the 3 tied ports: binomial(n, 1/3), standard error √(n·(1/3)·(2/3)).
    const se = Math.sqrt((n * 2) / 9);
    for (const i of [1, 3, 4]) expect(Math.abs(counts[i]! - n / 3)).toBeLessThan(4 * se);
  });

  it('the same seed gives the same tie-breaks', () => {
    const draws = (seed: number) => {
      const routing = new AdaptiveRouting(rngStream(seed, 'ar-test'));
      return Array.from({ length: 50 }, () => routing.choose(ports([0, 0, 0, 0]), new Packet()).index);
    };
    expect(draws(5)).toEqual(draws(5));
    expect(draws(5)).not.toEqual(draws(6));
  });
});

describe('adaptive routing in a switch fills paused uplinks like water', () => {
  it('42 packets into a leaf whose 4 uplinks are paused: every packet joins a shortest queue, so they end with 11, 11, 10, 10 frames', () => {
    const config: FabricConfig = { ...PRESETS.ethernet!, routing: 'adaptive', lossRecovery: 'ooo', windowBytes: 64 << 20 };
    const sim = new Simulator();
    const net = new Network(sim, { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 }, config, 9);
    const leaf = net.topology.switches.find((s) => s.name === 'leaf0') as Switch;
    const frame = config.mtuBytes + config.headerBytes;
    for (const up of leaf.upPorts) up.setPaused(true);
    const flow = net.openPacketFlow(0, 4);
    net.send(flow, 42 * config.mtuBytes);
    // Each arrival finds the uplinks' depths; a least-queued choice never makes them differ by more than a frame.
    let worstSpread = 0;
    while (net.sim.run({ maxEvents: sim.events + 1 }) !== 'idle') {
      const depths = leaf.upPorts.map((p) => p.dataQueuedBytes);
      worstSpread = Math.max(worstSpread, Math.max(...depths) - Math.min(...depths));
      if (depths.reduce((a, b) => a + b, 0) === 42 * frame) break;
    }
    expect(worstSpread).toBe(frame);
    expect(leaf.upPorts.map((p) => p.dataQueuedBytes / frame).sort()).toEqual([10, 10, 11, 11]);
    for (const up of leaf.upPorts) up.setPaused(false);
    sim.run();
    expect(net.metrics.messagesDelivered).toBe(1);
    expect(net.metrics.drops).toBe(0);
  });
});
