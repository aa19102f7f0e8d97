import { INT_FIELDS, type Packet, type PacketKind, type PacketPool, type TelemetrySlab } from '../packet.js';
import type { Flow } from '../flow.js';
import { grown } from '../../engine/index.js';

/** Numbers before a packet's telemetry records: link, arrival, key, then the packet's own fields. */
export const RECORD_HEAD = 16;

/**
 * A growable list of packets leaving for one other thread in the current window, as plain
 * numbers (a Flow is named by its id, which resolves in every replica: the build is the same).
 */
export class Outbox {
  private data = new Float64Array(4096);
  length = 0;
  /** Earliest arrival among the packets in it (Infinity: empty). */
  minArrivalPs = Infinity;

  /** `slab`: the sending replica's telemetry records. */
  constructor(private readonly slab: TelemetrySlab) {}

  push(linkIndex: number, arrivalPs: number, key: number, p: Packet): void {
    const n = RECORD_HEAD + p.intHops * INT_FIELDS;
    if (this.length + n > this.data.length) {
      this.data = grown(this.data, Math.max(this.data.length * 2, this.length + n));
    }
    const d = this.data;
    let o = this.length;
    d[o++] = linkIndex;
    d[o++] = arrivalPs;
    d[o++] = key;
    d[o++] = p.kind;
    d[o++] = p.sizeBytes;
    d[o++] = p.payloadBytes;
    d[o++] = p.flow === null ? -1 : p.flow.id;
    d[o++] = p.psn;
    d[o++] = p.srcHost;
    d[o++] = p.dstHost;
    d[o++] = p.hash;
    d[o++] = p.sentPs;
    d[o++] = (p.isRetransmit ? 1 : 0) | (p.ecn ? 2 : 0);
    d[o++] = p.sackPsn;
    d[o++] = p.via;
    d[o++] = p.intHops;
    if (p.intHops > 0) {
      const int = this.slab.chunk(p.intRecord);
      for (let k = 0, from = this.slab.start(p.intRecord); k < p.intHops * INT_FIELDS; k++) d[o + k] = int[from + k]!;
    }
    this.length += n;
    if (arrivalPs < this.minArrivalPs) this.minArrivalPs = arrivalPs;
  }

  /** The window's records, copied out; the outbox starts the next window empty. */
  take(): Float64Array {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    this.minArrivalPs = Infinity;
    return out;
  }
}

/** Rebuilds the packet of the record at `o` from this replica's pool; returns the record's length. */
export function decodePacket(d: Float64Array, o: number, flows: ReadonlyMap<number, Flow>, pool: PacketPool, slab: TelemetrySlab, out: { packet: Packet }): number {
  const flowId = d[o + 6]!;
  const p = pool.take(d[o + 3]! as PacketKind, flowId < 0 ? null : flows.get(flowId)!, d[o + 4]!, d[o + 5]!, d[o + 7]!);
  p.srcHost = d[o + 8]!;
  p.dstHost = d[o + 9]!;
  p.hash = d[o + 10]!;
  p.sentPs = d[o + 11]!;
  const flags = d[o + 12]!;
  p.isRetransmit = (flags & 1) !== 0;
  p.ecn = (flags & 2) !== 0;
  p.sackPsn = d[o + 13]!;
  p.via = d[o + 14]!;
  const hops = d[o + 15]!;
  p.intHops = hops;
  if (hops > 0) {
    if (p.intRecord < 0) p.intRecord = slab.take();
    const int = slab.chunk(p.intRecord);
    for (let k = 0, to = slab.start(p.intRecord); k < hops * INT_FIELDS; k++) int[to + k] = d[o + RECORD_HEAD + k]!;
  }
  out.packet = p;
  return RECORD_HEAD + hops * INT_FIELDS;
}
