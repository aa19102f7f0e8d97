import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { Network, Packet, PacketKind, Port, PRESETS, type NetworkNode } from '../src/fabric/index.js';
import { connect } from '../src/fabric/topology/topology.js';

class Sink implements NetworkNode {
  readonly name = 'sink';
  readonly arrivals: number[] = [];
  constructor(private readonly sim: Simulator) {}
  receive(): void {
    this.arrivals.push(this.sim.nowPs);
  }
  onDeparted(): void {}
}

/** Three 1000-byte packets queued at once on a 100 Gb/s port with a 1 µs cable, run to the end. */
function threeBackToBack() {
  const sim = new Simulator();
  const a = new Sink(sim);
  const b = new Sink(sim);
  const out = new Port(sim, a, 0, 100);
  connect(sim, out, new Port(sim, b, 0, 100), 1000);
  for (let i = 0; i < 3; i++) {
    const p = new Packet();
    p.sizeBytes = 1000;
    out.enqueue(p);
  }
  sim.run();
  return { sim, b };
}

describe('PFC frames over one link', () => {
  it('a PAUSE stops the data class of the port it arrives at, a RESUME restarts it; the node never sees either', () => {
    const sim = new Simulator();
    const a = new Sink(sim);
    const b = new Sink(sim);
    const out = new Port(sim, a, 0, 100);
    const far = new Port(sim, b, 0, 100);
    connect(sim, out, far, 1000);
    const frame = (kind: PacketKind) => {
      const p = new Packet();
      p.kind = kind;
      p.sizeBytes = 64;
      return p;
    };
    out.enqueue(frame(PacketKind.Pause));
    sim.run();
    const arrivedPs = serializationPs(64, 100) + psFromNs(1000);
    expect(sim.nowPs).toBe(arrivedPs);
    expect([far.paused, far.pausesReceived]).toEqual([true, 1]);
    out.enqueue(frame(PacketKind.Resume));
    sim.run();
    expect(far.paused).toBe(false);
    expect(far.pausedPsAt(sim.nowPs)).toBe(sim.nowPs - arrivedPs);
    expect(b.arrivals).toEqual([]);
  });
});

describe('a packet over one link', () => {
  it('arrives after exactly serialization + propagation delay', () => {
    const sim = new Simulator();
    const a = new Sink(sim);
    const b = new Sink(sim);
    const out = new Port(sim, a, 0, 400);
    connect(sim, out, new Port(sim, b, 0, 400), 250);
    const packet = new Packet();
    packet.sizeBytes = 4178;
    out.enqueue(packet);
    sim.run();
    expect(b.arrivals).toEqual([serializationPs(4178, 400) + psFromNs(250)]);
    expect(b.arrivals[0]).toBe(83_560 + 250_000);
  });

  it('back-to-back packets arrive one serialization time apart', () => {
    const { b } = threeBackToBack();
    const ser = serializationPs(1000, 100);
    expect(b.arrivals).toEqual([1, 2, 3].map((k) => k * ser + psFromNs(1000)));
  });
});

describe('store-and-forward through a switch', () => {
  it('a one-packet message crosses NIC→leaf→NIC in 2 × (serialization + propagation)', () => {
    const sim = new Simulator();
    const net = new Network(
      sim,
      { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 400, linkDelayNs: 300 },
      PRESETS.ethernet!,
      1,
    );
    let deliveredPs = -1;
    net.send(net.openFlow(0, 3), 1000, (t) => (deliveredPs = t));
    sim.run();
    const wireBytes = 1000 + PRESETS.ethernet!.headerBytes;
    expect(deliveredPs).toBe(2 * (serializationPs(wireBytes, 400) + psFromNs(300)));
  });

  it('on idle ports a packet costs one event per hop (its arrival): a frame is committed when it starts, a port wakes only if something waits', () => {
    const sim = new Simulator();
    const net = new Network(
      sim,
      { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 400, linkDelayNs: 300 },
      PRESETS.ethernet!,
      1,
    );
    net.send(net.openFlow(0, 7), 1000);
    sim.run();
    const hops = net.topology.hops(0, 7);
    expect(hops).toBe(4);
    // The data packet's 4 arrivals, its ACK's 4, and the retransmission timer's one (cancelled, it still fires).
    expect(sim.events).toBe(2 * hops + 1);
  });

  it('back-to-back frames wake the port once per frame that waits, no more', () => {
    const { sim } = threeBackToBack();
    // Three arrivals; the port woke at the end of frames 1 and 2 to start frames 2 and 3.
    expect(sim.events).toBe(3 + 2);
  });
});

