import type { Timer } from '../engine/index.js';
import type { DeliveredBytes, Receiver } from './fabric-model.js';
import type { Nic } from './nic.js';
import type { FlowSendLog } from './attribution/send-log.js';

/** One message on a flow: packets [firstPsn, endPsn). */
export interface Message {
  readonly bytes: number;
  readonly firstPsn: number;
  readonly endPsn: number;
  readonly postedPs: number;
  /** Told of the delivery (a target with `tag`), if anyone. */
  readonly receiver: Receiver | undefined;
  readonly tag: number;
}

/**
 * A queue pair (RoCE QP): an ordered stream of messages from one NIC to another, with its
 * own UDP source port, hence its own 5-tuple hash. Sender and receiver state both live
 * here (the simulator sees both ends); the loss-recovery module is what reads and moves it.
 */
export class Flow {
  /** Messages not yet acknowledged, oldest first, from `firstLive`. */
  private readonly messages: Message[] = [];
  private firstLive = 0;
  /** Sequence number one past the last posted packet. */
  postedEndPsn = 0;

  // Sender state.
  /** Oldest unacknowledged sequence number. */
  sndUna = 0;
  /** Next sequence number to transmit. */
  sndNxt = 0;
  /** One past the highest sequence number ever transmitted (to tell retransmissions). */
  sentEndPsn = 0;
  rto!: Timer<Flow>;
  rtoPs = 0;
  inReadyQueue = false;
  /** The NIC port both ends send on: 0 the fabric, NVLINK_PORT inside a server (set when opened). */
  nicPort = 0;
  /** Selective ACKs, made on first use: most queue pairs never see a loss (an empty Set costs ~130 B, at millions of queue pairs). */
  private sackedSet: Set<number> | null = null;
  /** Sequence numbers queued for selective retransmission, oldest first. */
  readonly retransmitQueue: number[] = [];
  /** Selective repeat: sequence numbers below this were already queued for retransmission. */
  recoveredUpTo = 0;

  // Rate control (the congestion-control module sets rateGbps through Nic.setRate; the NIC paces at it).
  // A number from the start (set again in the constructor): a bare field starts undefined, and
  // V8 would then box every fractional rate stored into it in a new HeapNumber.
  rateGbps = 0;
  /** Earliest time the pacer lets the next data packet go: the last one's start + its size at the rate. */
  nextSendPs = 0;
  /** Wire size of the last data packet sent (the pacer rescales its gap when the rate changes). */
  lastPacketBytes = 0;
  paceTimer!: Timer<Flow>;
  ccState: unknown = null;
  /** The sender's log for attribution (attribution/send-log.ts); null unless the run asks where the time goes. */
  sendLog: FlowSendLog | null = null;
  /** The base round trip T telemetry CC normalizes by: the longest fabric path's (HPCC's GLOBAL_T, as the window), or the NVLink path's. */
  baseRttPs = 0;

  /** See FabricFlow.deliveredTo. */
  deliveredTo: DeliveredBytes | null = null;

  // Receiver state.
  /** Next in-order sequence number the receiver expects. */
  rcvNxt = 0;
  /** The rcvNxt a NACK was last sent for: one NACK per gap. */
  nackedAt = -1;
  /** In-order packets received since the last ACK. */
  unacked = 0;
  /** Sequence numbers above rcvNxt that reached the receiver (kept or, by go-back-N, discarded); made on first use. */
  private seenAbove: Set<number> | null = null;
  private rxMessage = 0;
  /**
   * Under `--threads`, this copy simulates the receiver but another thread the sender: no ACK
   * ever reaches it, so a message is forgotten once delivered (else every message would stay).
   */
  senderElsewhere = false;
  /**
   * Under `--threads`, this copy simulates the sender but another thread the receiver: its
   * deliveries never run here, so an acknowledged message is forgotten without waiting for one.
   */
  receiverElsewhere = false;

  constructor(
    readonly id: number,
    readonly src: Nic,
    readonly dst: Nic,
    readonly hash: number,
    readonly reverseHash: number,
    public windowPackets: number,
    private readonly mtuBytes: number,
    readonly lineRateGbps: number,
  ) {
    this.rateGbps = lineRateGbps;
  }

  get srcHost(): number {
    return this.src.host;
  }

  get dstHost(): number {
    return this.dst.host;
  }

  /** Sequence numbers the receiver reported holding above sndUna (selective ACKs). */
  get sacked(): Set<number> {
    return (this.sackedSet ??= new Set());
  }

  get sackedCount(): number {
    return this.sackedSet === null ? 0 : this.sackedSet.size;
  }

  get hasUnsent(): boolean {
    return this.sndNxt < this.postedEndPsn;
  }

  /**
   * Appends a message of `bytes` (a zero-byte message still sends one header-only packet),
   * reported delivered to `receiver` (a target with `tag`).
   */
  post(bytes: number, postedPs: number, receiver?: Receiver, tag = 0): Message {
    const packets = Math.max(1, Math.ceil(bytes / this.mtuBytes));
    const message: Message = { bytes, firstPsn: this.postedEndPsn, endPsn: this.postedEndPsn + packets, postedPs, receiver, tag };
    this.messages.push(message);
    this.postedEndPsn += packets;
    return message;
  }

  /** Payload bytes carried by packet `psn`. */
  payloadOf(psn: number): number {
    const m = this.messageAt(psn);
    return psn === m.endPsn - 1 ? m.bytes - (m.endPsn - 1 - m.firstPsn) * this.mtuBytes : this.mtuBytes;
  }

  /** The message containing `psn`, among those not yet acknowledged. */
  messageAt(psn: number): Message {
    // Binary search: messages are sorted by firstPsn.
    let lo = this.firstLive;
    let hi = this.messages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.messages[mid]!.firstPsn <= psn) lo = mid;
      else hi = mid - 1;
    }
    return this.messages[lo]!;
  }

  /**
   * The receiver holds every packet below `rcvEnd`: the oldest message this completes and
   * that was not reported yet, or undefined. Call until undefined.
   */
  nextDelivered(rcvEnd: number): Message | undefined {
    const m = this.messages[this.rxMessage];
    if (m === undefined || m.endPsn > rcvEnd) return undefined;
    this.rxMessage++;
    if (this.senderElsewhere) {
      this.firstLive = this.rxMessage;
      this.compact();
    }
    return m;
  }

  /** Message records this copy keeps: those not yet forgotten, and forgotten ones until the array compacts. */
  get heldMessages(): number {
    return this.messages.length;
  }

  /** When the oldest message not yet delivered was posted (Infinity: none); attribution keeps the sends after it. */
  get undeliveredSincePs(): number {
    return this.messages[this.rxMessage]?.postedPs ?? Infinity;
  }

  /**
   * A data packet arrived at the receiver: was it already seen (a duplicate, so one
   * transmission of it was not needed)? Records it as seen otherwise.
   */
  arrivedBefore(psn: number): boolean {
    if (psn < this.rcvNxt || (this.seenAbove !== null && this.seenAbove.has(psn))) return true;
    if (psn > this.rcvNxt) (this.seenAbove ??= new Set()).add(psn);
    return false;
  }

  /** Receiver: advance rcvNxt past `psn` (just received in order) and every packet already held above it. */
  advanceReceiver(keepAbove: boolean): void {
    this.rcvNxt++;
    const seen = this.seenAbove;
    if (seen === null) return;
    if (!keepAbove) {
      seen.delete(this.rcvNxt - 1);
      return;
    }
    while (seen.delete(this.rcvNxt)) this.rcvNxt++;
  }

  /** The sender learnt that everything below `ackPsn` arrived: forget those messages. */
  acknowledge(ackPsn: number): void {
    const sacked = this.sackedSet;
    if (sacked !== null) for (let psn = this.sndUna; psn < ackPsn && sacked.size > 0; psn++) sacked.delete(psn);
    this.sndUna = ackPsn;
    const delivered = this.receiverElsewhere ? this.messages.length : this.rxMessage;
    while (this.firstLive < delivered && this.messages[this.firstLive]!.endPsn <= ackPsn) this.firstLive++;
    this.compact();
  }

  /** Drops the forgotten messages (below firstLive) once they are most of the array. */
  private compact(): void {
    if (this.firstLive > 64 && this.firstLive * 2 > this.messages.length) {
      this.messages.splice(0, this.firstLive);
      // (With the receiver elsewhere rxMessage stays 0.)
      this.rxMessage = Math.max(0, this.rxMessage - this.firstLive);
      this.firstLive = 0;
    }
  }
}
