import { LatencyHistogram } from '../engine/index.js';

/** Counters every fabric component adds to; one instance per simulated fabric. */
export class FabricMetrics {
  /** Data packets put on the wire by NICs, first transmissions and retransmissions. */
  dataPacketsSent = 0;
  dataBytesSent = 0;
  /** Data packets that reached their destination NIC (accepted or not). */
  dataPacketsArrived = 0;
  dataBytesArrived = 0;
  /** Packets dropped by a full switch buffer, and their payload bytes. */
  drops = 0;
  dataPacketsDropped = 0;
  dataBytesDropped = 0;
  /** Data packets lost on a failed link (also counted in dataPacketsDropped / dataBytesDropped, not in drops). */
  failureDrops = 0;
  /** The run has failures scheduled (results then report failureDrops). */
  failuresScheduled = false;
  /** Data packets sent again (after a NACK or a timeout). */
  retransmits = 0;
  timeouts = 0;
  nacks = 0;
  /** Arrivals of a data packet the receiver had already seen: a transmission that was not needed. */
  spuriousRetransmits = 0;
  ecnMarks = 0;
  /** PAUSE (XOFF) frames sent by switches. */
  pfcPauses = 0;
  cnps = 0;
  /** Data packets the receiver discarded because they arrived out of order (go-back-N). */
  outOfOrderDiscards = 0;
  /** Data packets that arrived out of order and were kept (selective repeat, out-of-order placement). */
  outOfOrderArrivals = 0;
  /**
   * The NVLink share of dataBytesSent / dataBytesArrived (GPUs of one server), whichever
   * way it is modelled: time series subtract it to show the scale-out fabric alone.
   */
  nvlinkBytesSent = 0;
  nvlinkBytesArrived = 0;
  /** Application bytes of messages completely delivered. */
  bytesDelivered = 0;
  messagesPosted = 0;
  messagesDelivered = 0;
  /** One-way network latency of data packets, NIC to NIC, in ns. */
  readonly packetLatencyNs = new LatencyHistogram();
  /** Message completion time, posted to fully delivered, in ns. */
  readonly messageFctNs = new LatencyHistogram();
}
