import { describe, expect, it } from 'vitest';
import { rngStream, Simulator } from '../src/engine/index.js';
import { Network, PacketKind, PRESETS, type FabricConfig, type Switch } from '../src/fabric/index.js';
import { ecnMarkProbability, shouldMarkEcn } from '../src/fabric/ecn.js';

// RED as DCQCN switches apply it: p(q) = 0 for q ≤ Kmin, pmax·(q − Kmin)/(Kmax − Kmin) up to
// Kmax, 1 above. pmax < 1 here so that "pmax at Kmax" and "1 above Kmax" are told apart.
const red = { enabled: true, kminBytes: 40_000, kmaxBytes: 440_000, pmax: 0.5 };
const law = (q: number): number =>
  q <= red.kminBytes ? 0 : q > red.kmaxBytes ? 1 : (red.pmax * (q - red.kminBytes)) / (red.kmaxBytes - red.kminBytes);

describe('RED/ECN marking probability', () => {
  it('is 0 up to Kmin, linear to pmax at Kmax, and 1 above Kmax', () => {
    expect(ecnMarkProbability(0, red)).toBe(0);
    expect(ecnMarkProbability(40_000, red)).toBe(0);
    expect(ecnMarkProbability(40_001, red)).toBeCloseTo(0.5 / 400_000, 15);
    expect(ecnMarkProbability(140_000, red)).toBeCloseTo(0.125, 15); // a quarter of the way: pmax/4
    expect(ecnMarkProbability(240_000, red)).toBeCloseTo(0.25, 15);
    expect(ecnMarkProbability(440_000, red)).toBeCloseTo(0.5, 15);
    expect(ecnMarkProbability(440_001, red)).toBe(1);
  });

  it('marks with that probability: 20,000 seeded draws at a quarter of the ramp land within 4 standard errors of pmax/4', () => {
    const rng = rngStream(7, 'ecn-test');
    const n = 20_000;
    let marks = 0;
    for (let i = 0; i < n; i++) if (shouldMarkEcn(140_000, red, rng)) marks++;
    const p = 0.125;
    const se = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(marks / n - p)).toBeLessThan(4 * se);
    // Certain outcomes draw nothing and never err.
    for (let i = 0; i < 1000; i++) {
      expect(shouldMarkEcn(40_000, red, rng)).toBe(false);
      expect(shouldMarkEcn(440_001, red, rng)).toBe(true);
    }
  });
});

describe('a switch marks a queue held at a known depth at the RED rate', () => {
  it('one flow through a leaf whose egress was paused for 60 frames: every packet leaves with 59-60 frames behind it and the mark rate matches p(q)', () => {
    const config: FabricConfig = { ...PRESETS.ethernet!, ecn: red, windowBytes: 64 << 20, bufferBytesPerPort: 8 << 20 };
    const sim = new Simulator();
    const topology = { kind: 'leaf-spine' as const, gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 };
    const net = new Network(sim, topology, config, 3);
    const leaf = net.topology.switches[0]! as Switch;
    const egress = leaf.candidatesFor(1)[0]!;
    const frame = config.mtuBytes + config.headerBytes;
    const heldFrames = 60;
    const packets = 6000;
    // Record the data queue behind each departing packet and whether this switch marked it.
    const depths: number[] = [];
    const marked: boolean[] = [];
    const departed = leaf.onDeparted.bind(leaf);
    leaf.onDeparted = (packet, portIndex, endPs) => {
      const depth = leaf.ports[portIndex]!.dataQueuedBytes;
      const before = packet.ecn;
      departed(packet, portIndex, endPs);
      if (portIndex === egress.index && packet.kind === PacketKind.Data) {
        depths.push(depth);
        marked.push(packet.ecn && !before);
      }
    };
    egress.setPaused(true);
    net.send(net.openPacketFlow(0, 1), packets * config.mtuBytes);
    // Line rate: frame k has fully arrived at k frame times plus the cable's 100 ns.
    const framePs = (frame * 8 * 1000) / 100;
    sim.runUntil(heldFrames * framePs + 100_000 + 1);
    expect(egress.dataQueuedBytes).toBe(heldFrames * frame);
    egress.setPaused(false);
    sim.run();
    expect(net.metrics.messagesDelivered).toBe(1);
    // From now on one frame arrives per frame time as one leaves: the depth holds until the sender runs out.
    const steady = depths.slice(0, packets - heldFrames - 1);
    expect(Math.min(...steady)).toBeGreaterThanOrEqual((heldFrames - 1) * frame);
    expect(Math.max(...steady)).toBeLessThanOrEqual(heldFrames * frame);
    let expected = 0;
    let variance = 0;
    let observed = 0;
    steady.forEach((q, i) => {
      const p = law(q);
      expected += p;
      variance += p * (1 - p);
      if (marked[i]) observed++;
    });
    // 59-60 frames of 4178 B: p between 0.5·(246,502 − 40,000)/400,000 = 0.258 and 0.5·(250,680 − 40,000)/400,000 = 0.263.
    expect(expected / steady.length).toBeGreaterThanOrEqual(0.258);
    expect(expected / steady.length).toBeLessThanOrEqual(0.2634);
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(variance));
    expect(net.metrics.ecnMarks).toBe(marked.filter(Boolean).length);
  });
});
