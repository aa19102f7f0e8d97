import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { Network, PRESETS, type FabricConfig } from '../src/fabric/index.js';

const topology = { kind: 'leaf-spine' as const, gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 500 };
const frame = 4096 + 82; // payload + headers on the wire
const hopPs = (bytes: number) => serializationPs(bytes, 100) + psFromNs(500);

/** Two MTU packets from GPU 0 to 1 paced at 50 Gb/s; `change` runs at `atPs`; returns when the message arrived. */
function twoPackets(change?: { atPs: number; rateGbps: number }): number {
  const sim = new Simulator();
  const net = new Network(sim, topology, PRESETS.ethernet!, 1);
  const flow = net.openPacketFlow(0, 1);
  flow.src.setRate(flow, 50);
  let deliveredPs = -1;
  net.send(flow, 2 * 4096, (t) => (deliveredPs = t));
  if (change) sim.at(change.atPs, { onEvent: () => flow.src.setRate(flow, change.rateGbps) }, 0);
  sim.run();
  return deliveredPs;
}

describe('NIC pacing on a rate change (HPCC ns-3 RdmaHw::ChangeRate)', () => {
  // The second packet starts when the first started plus its size at the flow's rate; it
  // then crosses NIC→leaf→NIC store-and-forward at line rate.
  const arrival = (secondStartPs: number) => secondStartPs + 2 * hopPs(frame);

  it('without a change, the second packet leaves one 50 Gb/s packet time after the first', () => {
    expect(twoPackets()).toBe(arrival(serializationPs(frame, 50)));
  });

  it('a cut to 25 Gb/s in the middle of the gap delays the next packet to the first one\'s start + its size at 25 Gb/s', () => {
    const midGap = serializationPs(frame, 50) / 2;
    expect(twoPackets({ atPs: midGap, rateGbps: 25 })).toBe(arrival(serializationPs(frame, 25)));
  });

  it('a raise to line rate in the middle of the gap brings the next packet forward (and never before now)', () => {
    const early = serializationPs(frame, 100) / 2; // the rescaled gap ends after the change
    expect(twoPackets({ atPs: early, rateGbps: 100 })).toBe(arrival(serializationPs(frame, 100)));
    const late = serializationPs(frame, 100) + 1000; // it ends before the change: send at once
    expect(twoPackets({ atPs: late, rateGbps: 100 })).toBe(arrival(late));
  });
});

describe('in-band telemetry bytes on the wire (HPCC IntHeader)', () => {
  function onePacketUs(config: FabricConfig): number {
    const sim = new Simulator();
    const net = new Network(sim, topology, config, 1);
    const flow = net.openPacketFlow(0, 1);
    let deliveredPs = -1;
    net.send(flow, 4096, (t) => (deliveredPs = t));
    sim.run();
    return deliveredPs;
  }

  it('telemetry CC adds the 42-byte INT header (5 hops × 8 B + 2 B) to each data packet; other CCs do not', () => {
    const spectrumX = PRESETS['spectrum-x']!;
    expect(spectrumX.telemetry.intHeaderBytes).toBe(42);
    expect(onePacketUs(spectrumX)).toBe(2 * hopPs(frame + 42));
    expect(onePacketUs({ ...spectrumX, telemetry: { ...spectrumX.telemetry, intHeaderBytes: 0 } })).toBe(2 * hopPs(frame));
    expect(onePacketUs({ ...spectrumX, cc: 'none' })).toBe(2 * hopPs(frame));
  });
});
