import type { FabricMetrics } from '../metrics.js';
import type { Flow } from '../flow.js';
import type { Packet } from '../packet.js';
import { acknowledgeUpTo } from './go-back-n.js';
import { defineLossRecovery, type LossRecovery, type NicServices } from './loss-recovery.js';

/** How many windows beyond the oldest unacknowledged packet a sender may run ahead. */
const REORDER_SPAN_WINDOWS = 4;

/**
 * Selective repeat. Both variants let the receiver keep out-of-order packets (placing
 * them directly in memory) and ACK each arrival with the cumulative sequence number plus
 * the packet's own (a selective ACK); the sender resends only what was not acknowledged.
 *
 * - `ooo` (a SuperNIC's out-of-order placement under a lossless, adaptively routed
 *   fabric): a gap is taken for reordering, never for loss; only a timeout resends, and
 *   then only the unacknowledged packets.
 * - `selective` (IRN-style): a gap triggers a NACK, and the sender at once resends every
 *   packet below the highest one acknowledged that has not been acknowledged itself —
 *   fast on real loss, spurious on mere reordering.
 */
export class SelectiveRepeat implements LossRecovery {
  constructor(
    private readonly metrics: FabricMetrics,
    private readonly nackOnGap: boolean,
  ) {}

  canSend(flow: Flow): boolean {
    // Drop queued retransmissions that were acknowledged meanwhile.
    const queue = flow.retransmitQueue;
    while (queue.length > 0 && (queue[0]! < flow.sndUna || flow.sacked.has(queue[0]!))) queue.shift();
    if (queue.length > 0) return true;
    // The window counts packets in flight: selectively acknowledged ones have left the
    // network even while a hole holds back the cumulative ACK (IRN's BDP-FC). The span
    // beyond the oldest hole is capped, as a NIC's reorder bitmap is.
    const outstanding = flow.sndNxt - flow.sndUna - flow.sackedCount;
    return (
      flow.sndNxt < flow.postedEndPsn &&
      outstanding < flow.windowPackets &&
      flow.sndNxt - flow.sndUna < REORDER_SPAN_WINDOWS * flow.windowPackets
    );
  }

  /** Call only after canSend returned true. */
  takeNextPsn(flow: Flow): number {
    return flow.retransmitQueue.length > 0 ? flow.retransmitQueue.shift()! : flow.sndNxt++;
  }

  onAck(flow: Flow, ack: Packet, nic: NicServices): void {
    const sackedBefore = flow.sackedCount;
    // A SACK below the cumulative ACK is acknowledged by it anyway: recording it would only
    // allocate the set for every loss-free queue pair.
    if (ack.sackPsn >= flow.sndUna && ack.sackPsn >= ack.psn) flow.sacked.add(ack.sackPsn);
    // A selectively acknowledged packet has left the network, so it frees window (BDP-FC)
    // even when the cumulative ACK does not move: the sender must be woken for it.
    if (!acknowledgeUpTo(flow, ack.psn, nic) && flow.sackedCount > sackedBefore) nic.wake(flow);
  }

  onNack(flow: Flow, nack: Packet, nic: NicServices): void {
    this.onAck(flow, nack, nic);
    // Everything below the packet that arrived and not acknowledged is presumed lost.
    const from = Math.max(flow.sndUna, flow.recoveredUpTo);
    for (let psn = from; psn < nack.sackPsn; psn++) if (!flow.sacked.has(psn)) flow.retransmitQueue.push(psn);
    flow.recoveredUpTo = Math.max(flow.recoveredUpTo, nack.sackPsn);
    nic.wake(flow);
  }

  onTimeout(flow: Flow, nic: NicServices): void {
    if (flow.sndUna >= flow.sentEndPsn) return;
    this.metrics.timeouts++;
    flow.retransmitQueue.length = 0;
    for (let psn = flow.sndUna; psn < flow.sentEndPsn; psn++) if (!flow.sacked.has(psn)) flow.retransmitQueue.push(psn);
    flow.recoveredUpTo = flow.sentEndPsn;
    flow.rto.set(flow.rtoPs);
    nic.wake(flow);
  }

  onData(flow: Flow, packet: Packet, nic: NicServices): void {
    const psn = packet.psn;
    if (flow.arrivedBefore(psn)) {
      this.metrics.spuriousRetransmits++;
      nic.sendAck(flow, flow.rcvNxt, packet);
      return;
    }
    if (psn === flow.rcvNxt) {
      flow.advanceReceiver(true);
      nic.deliverInOrder(flow);
      nic.sendAck(flow, flow.rcvNxt, packet);
      return;
    }
    this.metrics.outOfOrderArrivals++;
    if (this.nackOnGap) nic.sendNack(flow, flow.rcvNxt, packet);
    else nic.sendAck(flow, flow.rcvNxt, packet);
  }
}

/** IRN-style selective repeat: out-of-order packets are kept; a gap is NACKed at once. */
export const selective = defineLossRecovery({
  name: 'selective',
  overrides: () => ({}),
  defaults: {},
  create: ({ metrics }) => new SelectiveRepeat(metrics, true),
});
