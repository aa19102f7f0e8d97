import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network, PRESETS, type FabricConfig, type LossRecoveryName } from '../src/fabric/index.js';

const messagesPackets = [10, 7, 1, 33];

/** One queue pair 0 → 1 on one leaf carries the messages; counts the receiver's ACKs. */
function run(ackEveryPackets: number, lossRecovery: LossRecoveryName = 'go-back-n') {
  const config: FabricConfig = { ...PRESETS.ethernet!, ackEveryPackets, lossRecovery };
  const sim = new Simulator();
  const net = new Network(sim, { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 }, config, 1);
  const receiver = net.topology.nics[1]!;
  let acks = 0;
  const sendAck = receiver.sendAck.bind(receiver);
  receiver.sendAck = (flow, psn, trigger) => {
    acks++;
    sendAck(flow, psn, trigger);
  };
  const flow = net.openPacketFlow(0, 1);
  for (const n of messagesPackets) net.send(flow, n * config.mtuBytes - 100); // last packet of each message short
  sim.run();
  return { acks, m: net.metrics, window: flow.windowPackets, flow };
}

/** The law: the count restarts at each ACK, and a message's last packet is always ACKed, so a message of n packets gets ⌈n/k⌉. */
const expectedAcks = (k: number) => messagesPackets.reduce((sum, n) => sum + Math.ceil(n / k), 0);

describe('go-back-N with ackEveryPackets = k', () => {
  it.each([1, 2, 3, 5])('k = %i: ACKs = Σ ⌈packets of a message / k⌉, and every byte is delivered once', (k) => {
    const { acks, m, window } = run(k);
    expect(window).toBeGreaterThanOrEqual(k); // the window allows k packets in flight
    expect(acks).toBe(expectedAcks(k));
    expect(m.messagesDelivered).toBe(messagesPackets.length);
    expect(m.bytesDelivered).toBe(messagesPackets.reduce((sum, n) => sum + n * 4096 - 100, 0));
    expect(m.dataPacketsSent).toBe(messagesPackets.reduce((a, b) => a + b, 0));
    expect(m.retransmits + m.timeouts + m.nacks).toBe(0);
  });

  it('k above the sender window: the receiver ACKs at least once per window, so no window waits for a timeout', () => {
    const { acks, m, window } = run(16);
    expect(window).toBeLessThan(16);
    expect(m.timeouts).toBe(0); // was 6 timeouts (320 µs each) before the receiver capped k at the window
    expect(acks).toBe(expectedAcks(window));
    expect(m.messagesDelivered).toBe(messagesPackets.length);
  });
});

describe('selective receivers ACK every packet whatever ackEveryPackets says (they carry a selective ACK each)', () => {
  it.each(['selective', 'ooo'] as const)('%s, k = 4', (recovery) => {
    const { acks, m } = run(4, recovery);
    expect(acks).toBe(messagesPackets.reduce((a, b) => a + b, 0));
    expect(m.messagesDelivered).toBe(messagesPackets.length);
  });
});
