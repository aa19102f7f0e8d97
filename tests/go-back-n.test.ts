import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network, Packet, PacketKind, PRESETS } from '../src/fabric/index.js';
import { GoBackN } from '../src/fabric/transport/go-back-n.js';

function nack(psn: number): Packet {
  const p = new Packet();
  p.kind = PacketKind.Nack;
  p.psn = psn;
  return p;
}

function finishedFlow() {
  const sim = new Simulator();
  const net = new Network(
    sim,
    { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 },
    PRESETS.ethernet!,
    1,
  );
  const flow = net.openPacketFlow(0, 1);
  net.send(flow, 10 * 4096);
  sim.run();
  return { sim, net, flow };
}

describe('go-back-N sender', () => {
  it('has every packet acknowledged once a message is through', () => {
    const { flow } = finishedFlow();
    expect(flow.sndUna).toBe(10);
    expect(flow.sndNxt).toBe(10);
  });

  it('ignores a NACK older than what is already acknowledged (it was overtaken by an ACK)', () => {
    const { net, flow } = finishedFlow();
    new GoBackN(net.metrics, 1).onNack(flow, nack(3), flow.src);
    expect(flow.sndNxt).toBe(10);
    expect(flow.hasUnsent).toBe(false);
  });

  it('rewinds to the NACKed sequence number and resends from there', () => {
    const { sim, net, flow } = finishedFlow();
    net.send(flow, 10 * 4096); // packets 10..19
    sim.run({ maxEvents: sim.events + 12 }); // a few packets out, none acknowledged yet
    const sent = flow.sndNxt;
    expect(sent).toBeGreaterThan(11);
    new GoBackN(net.metrics, 1).onNack(flow, nack(11), flow.src);
    expect(flow.sndUna).toBe(11);
    expect(flow.sndNxt).toBeLessThanOrEqual(12); // back to 11 (one may already be pulled again)
    sim.run();
    expect(net.metrics.retransmits).toBeGreaterThan(0);
    expect(flow.sndUna).toBe(20);
  });
});
