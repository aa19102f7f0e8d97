import type { Flow, Message } from '../flow.js';
import type { Packet } from '../packet.js';
import type { CriticalPath } from './critical-path.js';
import { HOP_FIELDS } from './packet-hops.js';
import { Part, queueSlot } from './parts.js';
import type { FlowSendLog } from './send-log.js';

/**
 * The packet model's breakdown of one message, from its post to its delivery now, written
 * into `path.scratch`. `packet` is the data packet whose arrival completed it. Three
 * intervals that join end to end:
 *  1. post → first transmission of psn k: the gaps of the sender's log (send-log.ts) from
 *     the first packet that went out after the post (an earlier message's, if the flow was
 *     still sending it: its gap is cut at the post, from the front), where k is the first
 *     sequence number of the message that had to be resent before `packet` left, else
 *     `packet`'s own;
 *  2. k's first transmission → `packet` leaving (only when something was resent): the line-rate
 *     serialization of the packets in between, the rest retransmission and timeout time;
 *  3. `packet` leaving → arriving: per hop its wait (queueing by tier, or PFC-paused), its
 *     serialization and propagation.
 * What happened at the NIC's port in (1) — serialization, PAUSEs, waiting behind other queue
 * pairs — is charged to the NIC's link, each hop's time in (3) to its link; throttling,
 * a full window and retransmission are the flow's, not a link's.
 */
export function packetMessageBreakdown(path: CriticalPath, flow: Flow, log: FlowSendLog, m: Message, packet: Packet, nowPs: number): void {
  const parts = path.resetScratch();
  const nicPort = flow.src.ports[flow.nicPort]!;
  if (flow.nicPort !== 0) {
    parts[Part.Nvlink] = nowPs - m.postedPs;
    return;
  }
  const own = packet.psn >= m.firstPsn && packet.psn < m.endPsn;
  // Completed by an earlier message's packet (selective repeat filling a hole): this one's last packet waited for it.
  const last = own ? packet.psn : m.endPsn - 1;
  let k = last;
  if (own) {
    for (let psn = m.firstPsn; psn <= last; psn++) {
      if (log.has(psn) && log.retxPs[log.at(psn)]! <= packet.sentPs) {
        k = psn;
        break;
      }
    }
  }
  const senderPs = senderGaps(parts, log, Math.max(log.base, Math.min(k, log.firstSentAfter(m.postedPs))), k, m.postedPs);
  path.addLink(nicPort, senderPs);
  const firstOfK = log.has(k) ? log.sentPs[log.at(k)]! : m.postedPs;
  if (!own) {
    // The message's own packets were all there; it waited for another's hole to fill.
    parts[Part.Retransmission]! += nowPs - firstOfK;
    return;
  }
  if (packet.sentPs > firstOfK) {
    let lineRatePs = 0;
    for (let psn = k; psn < last; psn++) if (log.has(psn)) lineRatePs += log.serPs[log.at(psn)]!;
    const span = packet.sentPs - firstOfK;
    const ser = Math.min(span, lineRatePs);
    parts[Part.Serialization]! += ser;
    parts[Part.Retransmission]! += span - ser;
  }
  const hops = packet.hopPs!;
  const ports = packet.hopPorts!;
  for (let h = 0; h < ports.length; h++) {
    const o = h * HOP_FIELDS;
    const waitPs = hops[o]!;
    const pausedPs = hops[o + 1]!;
    const tier = hops[o + 4]!;
    parts[Part.PfcPaused]! += pausedPs;
    parts[tier < 0 ? Part.QueueNic : queueSlot(tier)]! += waitPs - pausedPs;
    parts[Part.Serialization]! += hops[o + 2]!;
    parts[Part.Propagation]! += hops[o + 3]!;
    path.addLink(ports[h]!, waitPs + hops[o + 2]! + hops[o + 3]!);
  }
}

/**
 * Adds the sender's gaps of first transmissions `from`..`k` to `parts`, from `fromPs` on: a
 * gap that began before is cut from the front (serialization first — the previous packet
 * left at its start — then waiting behind other queue pairs, pauses, a full window,
 * pacing). Time from `fromPs` to a gap whose record is gone waited at the NIC. Returns the
 * time spent at the NIC's port: serialization, pauses, waiting behind other queue pairs.
 */
function senderGaps(parts: Float64Array, log: FlowSendLog, from: number, k: number, fromPs: number): number {
  let atPs = fromPs;
  let portPs = 0;
  for (let psn = from; psn <= k; psn++) {
    if (!log.has(psn)) continue;
    const i = log.at(psn);
    const endPs = log.sentPs[i]!;
    const startPs = endPs - log.gapPs(i);
    if (startPs > atPs) {
      parts[Part.QueueNic]! += startPs - atPs;
      portPs += startPs - atPs;
    }
    let cut = Math.max(0, atPs - startPs);
    const take = (ps: number): number => {
      const c = Math.min(ps, cut);
      cut -= c;
      return ps - c;
    };
    const ser = take(log.gapSerPs[i]!);
    const queued = take(log.gapQueuedPs[i]!);
    const paused = take(log.gapPausedPs[i]!);
    const window = take(log.gapWindowPs[i]!);
    const paced = take(log.gapThrottledPs[i]!);
    parts[Part.Serialization]! += ser;
    parts[Part.QueueNic]! += queued;
    parts[Part.PfcPaused]! += paused;
    parts[Part.WindowFull]! += window;
    parts[Part.Throttled]! += paced;
    portPs += ser + queued + paused;
    atPs = Math.max(atPs, endPs);
  }
  return portPs;
}
