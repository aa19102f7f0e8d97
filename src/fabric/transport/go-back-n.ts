import type { FabricMetrics } from '../metrics.js';
import type { Flow } from '../flow.js';
import type { Packet } from '../packet.js';
import { defineLossRecovery, type LossRecovery, type NicServices } from './loss-recovery.js';

/** The sender learnt that everything below `ackPsn` arrived. Shared by every loss-recovery module. */
export function acknowledgeUpTo(flow: Flow, ackPsn: number, nic: NicServices): boolean {
  if (ackPsn <= flow.sndUna) return false;
  flow.acknowledge(ackPsn);
  // After a timeout rewind, packets that were only late can be acknowledged beyond sndNxt.
  if (flow.sndNxt < ackPsn) flow.sndNxt = ackPsn;
  if (flow.sndUna >= flow.sentEndPsn) flow.rto.cancel();
  else flow.rto.set(flow.rtoPs);
  nic.wake(flow);
  return true;
}

/**
 * Standard RoCE go-back-N: the receiver accepts only the next expected packet, discards
 * anything out of order and sends one NACK per gap; the sender rewinds to the NACKed
 * sequence number (or to the oldest unacknowledged one on a timeout) and resends all.
 * The receiver ACKs every `ackEveryPackets` in-order packets since its last ACK (at most
 * the sender's window) and always a message's last packet.
 */
export class GoBackN implements LossRecovery {
  constructor(
    private readonly metrics: FabricMetrics,
    private readonly ackEveryPackets: number,
  ) {}

  canSend(flow: Flow): boolean {
    return flow.sndNxt < flow.postedEndPsn && flow.sndNxt - flow.sndUna < flow.windowPackets;
  }

  takeNextPsn(flow: Flow): number {
    return flow.sndNxt++;
  }

  onAck(flow: Flow, ack: Packet, nic: NicServices): void {
    acknowledgeUpTo(flow, ack.psn, nic);
  }

  onNack(flow: Flow, nack: Packet, nic: NicServices): void {
    const psn = nack.psn;
    // A NACK overtaken by a later ACK (they can take different paths) is stale.
    if (psn < flow.sndUna) return;
    acknowledgeUpTo(flow, psn, nic);
    if (psn < flow.sndNxt) {
      flow.sndNxt = psn;
      nic.wake(flow);
    }
  }

  onTimeout(flow: Flow, nic: NicServices): void {
    if (flow.sndUna >= flow.sentEndPsn) return;
    this.metrics.timeouts++;
    flow.sndNxt = flow.sndUna;
    flow.rto.set(flow.rtoPs);
    nic.wake(flow);
  }

  onData(flow: Flow, packet: Packet, nic: NicServices): void {
    const psn = packet.psn;
    if (flow.arrivedBefore(psn)) this.metrics.spuriousRetransmits++;
    if (psn === flow.rcvNxt) {
      flow.advanceReceiver(false);
      flow.nackedAt = -1;
      const completed = nic.deliverInOrder(flow);
      // Never wait for more packets than the sender's window can put in flight: it would
      // stall on every window until its retransmission timeout.
      if (++flow.unacked >= Math.min(this.ackEveryPackets, flow.windowPackets) || completed) {
        flow.unacked = 0;
        nic.sendAck(flow, flow.rcvNxt, packet);
      }
    } else if (psn > flow.rcvNxt) {
      this.metrics.outOfOrderDiscards++;
      if (flow.nackedAt !== flow.rcvNxt) {
        flow.nackedAt = flow.rcvNxt;
        nic.sendNack(flow, flow.rcvNxt, packet);
      }
    } else {
      // A duplicate (the sender went back further than needed): re-ACK so it moves on.
      nic.sendAck(flow, flow.rcvNxt, packet);
    }
  }
}

/** Go-back-N (RoCE NICs): the receiver drops out-of-order packets and NACKs the first missing one. */
export const goBackN = defineLossRecovery({
  name: 'go-back-n',
  overrides: () => ({}),
  defaults: {},
  create: ({ config, metrics }) => new GoBackN(metrics, config.ackEveryPackets),
});
