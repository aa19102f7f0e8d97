import type { Flow } from './flow.js';

/** What a packet is; plain numbers so the hot path compares small integers. */
export const PacketKind = {
  Data: 0,
  Ack: 1,
  Nack: 2,
} as const;
export type PacketKind = (typeof PacketKind)[keyof typeof PacketKind];

/**
 * A frame on the wire. Objects are pooled and reused (see PacketPool), so every field is
 * reset by `PacketPool.take`. `sizeBytes` is what serializes: payload plus headers,
 * preamble and inter-frame gap.
 */
export class Packet {
  kind: PacketKind = PacketKind.Data;
  sizeBytes = 0;
  payloadBytes = 0;
  /** The queue pair this packet belongs to (data) or acknowledges (ACK/NACK). */
  flow: Flow | null = null;
  /** Data: packet sequence number. ACK/NACK: the next sequence number the receiver expects. */
  psn = 0;
  srcHost = 0;
  dstHost = 0;
  /** 5-tuple hash the ECMP stage uses; ACKs carry the reverse tuple's hash. */
  hash = 0;
  /** When the sending NIC started to transmit it. */
  sentPs = 0;
  /** Arrival time at the far end of the link it is on (set by the link). */
  arrivalPs = 0;
  /** Ingress port at the switch currently holding it (for per-ingress buffer accounting). */
  ingress = -1;
  isRetransmit = false;
}

/** A free list of packets: the simulator allocates only up to the peak number in flight. */
export class PacketPool {
  private readonly free: Packet[] = [];
  allocated = 0;

  take(kind: PacketKind, flow: Flow, sizeBytes: number, payloadBytes: number, psn: number): Packet {
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
    p.arrivalPs = 0;
    p.ingress = -1;
    p.isRetransmit = false;
    return p;
  }

  release(p: Packet): void {
    p.flow = null;
    this.free.push(p);
  }
}
