import { describe, expect, it } from 'vitest';
import { psFromUs, rngStream, Simulator } from '../src/engine/index.js';
import { Network, Packet, PRESETS, type FabricConfig, type Port, type Switch } from '../src/fabric/index.js';
import { FlowletRouting } from '../src/fabric/routing/flowlet.js';

interface FakePort {
  index: number;
  dataQueuedBytes: number;
}

function setup(gapUs = 5) {
  const clock = { nowPs: 0 };
  const routing = new FlowletRouting(clock as Simulator, psFromUs(gapUs), rngStream(1, 'flowlet-test'));
  const fake: FakePort[] = [0, 1, 2, 3].map((index) => ({ index, dataQueuedBytes: 10_000 }));
  const candidates = fake as unknown as Port[];
  const sw = { salt: 0, candidatesFor: () => candidates };
  const packet = (hash: number) => Object.assign(new Packet(), { hash });
  const choose = (hash: number) => routing.choose(candidates, packet(hash), sw).index;
  return { clock, fake, choose, routing, candidates, packet };
}

describe('flowlet routing', () => {
  it('a new flow takes the least-loaded port', () => {
    const { fake, choose } = setup();
    fake[2]!.dataQueuedBytes = 0;
    expect(choose(77)).toBe(2);
  });

  it('without a gap longer than flowletGapUs a flow stays on its port, however the loads change', () => {
    const { clock, fake, choose } = setup(5);
    fake[1]!.dataQueuedBytes = 0;
    expect(choose(77)).toBe(1);
    fake[1]!.dataQueuedBytes = 1 << 20; // its port is now the busiest
    fake[3]!.dataQueuedBytes = 0;
    // Packets 5 µs apart (a gap of exactly flowletGapUs is no gap): 20 of them, 100 µs in all.
    for (let i = 1; i <= 20; i++) {
      clock.nowPs = i * psFromUs(5);
      expect(choose(77)).toBe(1);
    }
  });

  it('after a gap longer than flowletGapUs it moves to the least-loaded port, and stays there', () => {
    const { clock, fake, choose } = setup(5);
    fake[1]!.dataQueuedBytes = 0;
    expect(choose(77)).toBe(1);
    fake[1]!.dataQueuedBytes = 1 << 20;
    fake[3]!.dataQueuedBytes = 0;
    clock.nowPs = psFromUs(5) + 1;
    expect(choose(77)).toBe(3);
    fake[3]!.dataQueuedBytes = 1 << 20;
    fake[0]!.dataQueuedBytes = 0;
    clock.nowPs += psFromUs(1);
    expect(choose(77)).toBe(3);
  });

  it('a gap lets the flow re-choose, not forces a move: if its port is still the least loaded it stays', () => {
    const { clock, fake, choose } = setup(5);
    fake[0]!.dataQueuedBytes = 0;
    expect(choose(5)).toBe(0);
    clock.nowPs = psFromUs(50);
    expect(choose(5)).toBe(0);
  });

  it('flows are told apart by their hash, and switches keep separate tables', () => {
    const { clock, fake, routing, candidates, packet } = setup(5);
    const a = { salt: 1, candidatesFor: () => candidates };
    const b = { salt: 2, candidatesFor: () => candidates };
    fake[0]!.dataQueuedBytes = 0;
    expect(routing.choose(candidates, packet(1), a).index).toBe(0);
    fake[0]!.dataQueuedBytes = 1 << 20;
    fake[2]!.dataQueuedBytes = 0;
    clock.nowPs = psFromUs(1);
    expect(routing.choose(candidates, packet(2), a).index).toBe(2); // another flow, same switch
    expect(routing.choose(candidates, packet(1), b).index).toBe(2); // same flow, another switch
    expect(routing.choose(candidates, packet(1), a).index).toBe(0); // the first flowlet continues
  });
});

describe('flowlet routing in a fabric', () => {
  it('a back-to-back message keeps one uplink; after a 20 µs pause the next message leaves that uplink, now the only one with a queue, for another', () => {
    const config: FabricConfig = { ...PRESETS.ethernet!, routing: 'flowlet', flowletGapUs: 5 };
    const sim = new Simulator();
    const net = new Network(sim, { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 }, config, 4);
    const leaf = net.topology.switches.find((s) => s.name === 'leaf0') as Switch;
    const flow = net.openPacketFlow(0, 4);
    net.send(flow, 64 * config.mtuBytes);
    sim.run();
    // One flowlet (packets 334 ns apart): every data packet left on one uplink, so nothing was reordered.
    const first = leaf.upPorts.filter((p) => p.dataPacketsTx > 0);
    expect(first.length).toBe(1);
    expect(first[0]!.dataPacketsTx).toBe(64);
    expect(net.metrics.outOfOrderDiscards).toBe(0);
    // Give that uplink a standing queue: paused, one frame held.
    const held = leaf.upPorts.indexOf(first[0]!);
    first[0]!.setPaused(true);
    first[0]!.enqueue(Object.assign(new Packet(), { sizeBytes: config.mtuBytes + config.headerBytes }));
    sim.runUntil(sim.nowPs + psFromUs(20));
    const before = leaf.upPorts.map((p) => p.dataPacketsTx);
    net.send(flow, 16 * config.mtuBytes);
    sim.run();
    const second = leaf.upPorts.map((p, i) => p.dataPacketsTx - before[i]!);
    expect(second.reduce((a, b) => a + b, 0)).toBe(16);
    expect(second.filter((n) => n > 0).length).toBe(1);
    expect(second[held]).toBe(0);
    expect(net.metrics.messagesDelivered).toBe(2);
  });
});
