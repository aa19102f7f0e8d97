import { grown } from '../engine/index.js';
import type { Flow } from './flow.js';
import type { Port } from './port.js';

/** What a packet is; plain numbers so the hot path compares small integers. */
export const PacketKind = {
  Data: 0,
  Ack: 1,
  Nack: 2,
  /** DCQCN congestion notification, receiver to sender. */
  Cnp: 3,
  /** PFC frames for the lossless class: PAUSE (XOFF) stops it, RESUME (XON) restarts it. MAC control: the receiving port consumes them (see Link). */
  Pause: 4,
  Resume: 5,
} as const;

/** Is this a PFC frame (PAUSE or RESUME), which the receiving port's MAC consumes? */
export const isPfcFrame = (kind: PacketKind): boolean => kind >= PacketKind.Pause;

/** In-band telemetry: at most this many hops are stamped (HPCC's maxHop). */
export const MAX_INT_HOPS = 5;
/**
 * Per hop: egress port id, queue bytes, cumulative tx bytes, timestamp (ps), link rate
 * (Gb/s), and the rate the switch measured on that port (Gb/s).
 */
export const INT_FIELDS = 6;
export type PacketKind = (typeof PacketKind)[keyof typeof PacketKind];

const TELEMETRY_RECORD_LENGTH = MAX_INT_HOPS * INT_FIELDS;
/** Records per chunk of a TelemetrySlab, as a power of two. */
const CHUNK_RECORDS_LOG2 = 12;
const CHUNK_RECORD_MASK = (1 << CHUNK_RECORDS_LOG2) - 1;

/**
 * Where one fabric's telemetry records live: numbered records in chunks of 4,096 (never
 * moved, so a number stays valid). A packet holds its record's number, a small integer in
 * the object itself: a Float64Array view per record was one more object per pooled packet
 * (tens of MB at 100,000 GPUs) and one more cache line to miss before every stamp and every
 * read. One per fabric (in its context), so no state outlives a run or is shared between runs.
 */
export class TelemetrySlab {
  private readonly chunks: Float64Array[] = [];
  private used = 0;

  /** A fresh record's number; a pooled packet keeps its record for life. */
  take(): number {
    const record = this.used++;
    if (record >>> CHUNK_RECORDS_LOG2 === this.chunks.length) this.chunks.push(new Float64Array((CHUNK_RECORD_MASK + 1) * TELEMETRY_RECORD_LENGTH));
    return record;
  }

  /** The array holding `record` (from `start(record)`, MAX_INT_HOPS · INT_FIELDS numbers). */
  chunk(record: number): Float64Array {
    return this.chunks[record >>> CHUNK_RECORDS_LOG2]!;
  }

  start(record: number): number {
    return (record & CHUNK_RECORD_MASK) * TELEMETRY_RECORD_LENGTH;
  }
}

/**
 * A frame on the wire. Objects are pooled and reused (see PacketPool), so every field is
 * reset by `PacketPool.take`. `sizeBytes` is what serializes: payload plus headers,
 * preamble and inter-frame gap.
 */
export class Packet {
  // Fields in the order the hot path reads them: what every switch hop reads first (kind,
  // size, routing, buffer), then what the NICs read, then what only some runs use, so a hop
  // touches as few of the object's cache lines as it can.
  kind: PacketKind = PacketKind.Data;
  sizeBytes = 0;
  dstHost = 0;
  /**
   * 5-tuple hash the ECMP stage uses; ACKs carry the reverse tuple's hash. Kept as its 32
   * bits read as a signed integer (`| 0`): a small integer sits in the object itself, while
   * an unsigned value above 2^31 is a double, boxed apart — one more cache miss per switch
   * hop. Consumers use its bits (`^`, mix32) or equality only, so the results are unchanged.
   */
  hash = 0;
  /** Dragonfly non-minimal routing: the group it detours through, chosen where it enters the fabric (−1: minimal). */
  via = -1;
  /** Ingress port at the switch currently holding it (for per-ingress buffer accounting). */
  ingress = -1;
  /** Congestion Experienced: set by an ECN-marking switch, echoed as a CNP. */
  ecn = false;
  /** The packet behind this one in the port queue holding it (see Port): written and read at every hop, so among the fields above. */
  next: Packet | null = null;
  /** The queue pair this packet belongs to (data) or acknowledges (ACK/NACK). */
  flow: Flow | null = null;
  /** Data: packet sequence number. ACK/NACK: the next sequence number the receiver expects. */
  psn = 0;
  payloadBytes = 0;
  /** When the sending NIC started to transmit it. */
  sentPs = 0;
  /** ACK: the sequence number of the data packet that triggered it (a selective ACK). */
  sackPsn = -1;
  isRetransmit = false;
  srcHost = 0;
  /** In-band telemetry hops stamped so far, and the number of their record in the fabric's TelemetrySlab (−1: none yet; see INT_FIELDS); ACKs echo them. */
  intHops = 0;
  intRecord = -1;
  /** Only when a run asks where the time goes (attribution/packet-hops.ts): the ports it left and, per hop, HOP_FIELDS numbers. */
  hopPorts: Port[] | null = null;
  hopPs: number[] | null = null;
  /** When it joined the queue it is in, and that port's paused total then. */
  enqueuedPs = 0;
  pausedMarkPs = 0;

  /** Appends a telemetry record for the egress port the packet is leaving. */
  stampTelemetry(slab: TelemetrySlab, portId: number, queueBytes: number, txBytes: number, timePs: number, rateGbps: number, measuredGbps: number): void {
    if (this.intHops >= MAX_INT_HOPS) return;
    if (this.intRecord < 0) this.intRecord = slab.take();
    const int = slab.chunk(this.intRecord);
    const o = slab.start(this.intRecord) + this.intHops++ * INT_FIELDS;
    int[o] = portId;
    int[o + 1] = queueBytes;
    int[o + 2] = txBytes;
    int[o + 3] = timePs;
    int[o + 4] = rateGbps;
    int[o + 5] = measuredGbps;
  }

  /**
   * Takes another packet's telemetry (an ACK echoing its data packet's) by swapping records:
   * no copy of up to MAX_INT_HOPS · INT_FIELDS numbers, no cache lines of a second record
   * touched. Only for a packet released right after, without its telemetry being read again
   * (the data packet the receiving NIC is done with): it keeps this packet's old record.
   */
  takeIntFrom(other: Packet): void {
    this.intHops = other.intHops;
    if (other.intHops === 0) return;
    const mine = this.intRecord;
    this.intRecord = other.intRecord;
    other.intRecord = mine;
  }

  /**
   * Hands this packet's telemetry record to the caller in exchange for `record` (another of
   * the slab's), so the caller keeps it without copying it (telemetry CC's previous-ACK
   * record). Only for a packet released right after, without its telemetry being read again.
   */
  exchangeInt(record: number): number {
    const mine = this.intRecord;
    this.intRecord = record;
    return mine;
  }
}

/**
 * Where a fabric's links keep the packets on their wires and their arrival times: one region
 * per link (a power-of-two ring) in two arrays every link shares. A link's ring of its own
 * was three more objects (array, its elements, a Float64Array) to miss in cache at each end
 * of every hop; here the arrays themselves stay in cache and a hop touches one line of each.
 * A link that outgrows its region takes a new one twice its size at the top; the old one is
 * left empty (at most as much again as the live regions).
 */
export class WireStore {
  packets: (Packet | undefined)[] = [];
  timesPs = new Float64Array(0);
  /** Under `--threads` (Link.keyBy): each packet's event key, taken when it was put on the wire. */
  keys = new Float64Array(0);
  private keyed = false;
  private top = 0;

  /** Keeps a key per slot from now on (before any region is taken). */
  keepKeys(): void {
    this.keyed = true;
    if (this.keys.length < this.timesPs.length) this.keys = grown(this.keys, this.timesPs.length);
  }

  /** A new region of `capacity` slots; returns its first index (the arrays may be replaced: read them through the store). */
  take(capacity: number): number {
    const base = this.top;
    this.top += capacity;
    if (this.top > this.timesPs.length) {
      const length = Math.max(2 * this.timesPs.length, this.top, 4096);
      this.timesPs = grown(this.timesPs, length);
      if (this.keyed) this.keys = grown(this.keys, length);
      for (let i = this.packets.length; i < length; i++) this.packets.push(undefined);
    }
    return base;
  }
}

/** A free list of packets: the simulator allocates only up to the peak number in flight. */
export class PacketPool {
  private readonly free: Packet[] = [];
  allocated = 0;
  /** The wires of the fabric's links (Link). */
  readonly wires = new WireStore();

  take(kind: PacketKind, flow: Flow | null, sizeBytes: number, payloadBytes: number, psn: number): Packet {
    let p = this.free.pop();
    if (!p) {
      p = new Packet();
      this.allocated++;
    }
    p.kind = kind;
    p.flow = flow;
    p.sizeBytes = sizeBytes;
    p.payloadBytes = payloadBytes;
    p.psn = psn;
    p.sentPs = 0;
    p.ingress = -1;
    p.isRetransmit = false;
    p.ecn = false;
    p.sackPsn = -1;
    p.intHops = 0;
    p.via = -1;
    return p;
  }

  release(p: Packet): void {
    p.flow = null;
    this.free.push(p);
  }
}
