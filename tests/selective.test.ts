import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network, PacketKind, PRESETS, type FabricConfig, type LossRecoveryName, type Switch } from '../src/fabric/index.js';

const PACKETS = 40;

/**
 * One queue pair 0 → 1 through one leaf; the leaf loses the first transmission of each
 * sequence number in `lose`. Records what the leaf forwarded again and the order in which
 * data reached the receiver.
 */
function run(lossRecovery: LossRecoveryName, lose: number[]) {
  const config: FabricConfig = { ...PRESETS.ethernet!, lossRecovery };
  const sim = new Simulator();
  const net = new Network(sim, { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 200 }, config, 1);
  const leaf = net.topology.switches[0] as Switch;
  const lost = new Set(lose);
  const resent: number[] = [];
  const forward = leaf.receive.bind(leaf);
  leaf.receive = (packet, ingress) => {
    if (packet.kind === PacketKind.Data) {
      if (packet.isRetransmit) resent.push(packet.psn);
      else if (lost.delete(packet.psn)) return; // lost on the wire
    }
    forward(packet, ingress);
  };
  const receiver = net.topology.nics[1]!;
  const arrivals: number[] = [];
  const receive = receiver.receive.bind(receiver);
  receiver.receive = (packet, ingress) => {
    if (packet.kind === PacketKind.Data) arrivals.push(packet.psn);
    receive(packet, ingress);
  };
  const flow = net.openPacketFlow(0, 1);
  const bytes = PACKETS * config.mtuBytes - 1000;
  net.send(flow, bytes);
  sim.run();
  return { m: net.metrics, resent, arrivals, bytes, flow };
}

/** A selective receiver's law, replayed on the arrival order: an arrival above the next expected packet is out of order. */
function outOfOrder(arrivals: number[]): number {
  const held = new Set<number>();
  let next = 0;
  let count = 0;
  for (const psn of arrivals) {
    if (psn < next || held.has(psn)) continue; // duplicate
    if (psn > next) {
      count++;
      held.add(psn);
      continue;
    }
    next++;
    while (held.delete(next)) next++;
  }
  return count;
}

describe('selective (IRN-style) loss recovery', () => {
  it('one loss: the NACK resends exactly the lost packet; one NACK per out-of-order arrival; every byte delivered once', () => {
    const { m, resent, arrivals, bytes, flow } = run('selective', [5]);
    expect(resent).toEqual([5]);
    expect(m.retransmits).toBe(1);
    expect(m.timeouts).toBe(0);
    expect(m.nacks).toBe(outOfOrder(arrivals));
    // By hand: frame j (τ = 334.24 ns) leaves at j·τ and reaches the receiver at (j+2)τ + 2d (d = 200 ns).
    // Packet 6's NACK (84 B, c = 6.72 ns a hop) reaches the sender at 8τ + 4d + 2c = 10.43τ, in frame 10;
    // the resent 5 follows it and arrives after frames 6..10: 5 out-of-order arrivals, one NACK each.
    // (The window, 6 packets, never binds: an ACK returns 4.43τ after its frame left.)
    expect(m.nacks).toBe(5);
    expect(m.nacks).toBeGreaterThan(0);
    expect(m.outOfOrderArrivals).toBe(m.nacks);
    expect(m.spuriousRetransmits).toBe(0);
    expect(m.messagesDelivered).toBe(1);
    expect(m.bytesDelivered).toBe(bytes);
    expect(arrivals.length).toBe(PACKETS); // 39 first transmissions + the one resent
    expect(new Set(arrivals).size).toBe(PACKETS);
    expect(flow.sndUna).toBe(PACKETS);
  });

  it('losses 5, 6 and 9: the first NACK (for 7) resends 5 and 6, a later one (for 10) resends 9, nothing twice', () => {
    const { m, resent, arrivals, bytes } = run('selective', [5, 6, 9]);
    // Sent again: exactly the packets below a NACKed arrival that were never acknowledged.
    expect(resent).toEqual([5, 6, 9]);
    expect(m.retransmits).toBe(3);
    expect(m.spuriousRetransmits).toBe(0);
    expect(m.timeouts).toBe(0);
    expect(m.nacks).toBe(outOfOrder(arrivals));
    // By hand as above: 7's NACK lands in frame 11, so 5 and 6 leave at 12τ and 13τ; 10's NACK lands in
    // frame 14 (packet 12), so 9 leaves at 15τ. Out of order on arrival: 7, 8, 10, 11, then 12 (9 still missing).
    expect(m.nacks).toBe(5);
    expect(m.bytesDelivered).toBe(bytes);
    expect(m.messagesDelivered).toBe(1);
  });

  it('ooo: the same loss waits for the timeout and then resends only the unacknowledged packet', () => {
    const { m, resent, bytes } = run('ooo', [5]);
    expect(m.nacks).toBe(0);
    expect(m.timeouts).toBe(1);
    expect(resent).toEqual([5]);
    expect(m.bytesDelivered).toBe(bytes);
  });

  it('go-back-n, for contrast: the NACK resends everything from the lost packet on', () => {
    const { m, resent, bytes } = run('go-back-n', [5]);
    expect(m.nacks).toBe(1);
    expect(resent[0]).toBe(5);
    expect(resent).toEqual(Array.from({ length: resent.length }, (_, i) => 5 + i));
    expect(resent.length).toBeGreaterThan(1);
    expect(m.bytesDelivered).toBe(bytes);
  });
});
