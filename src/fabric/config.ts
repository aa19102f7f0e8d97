/** Mechanism names; each names a module chosen per fabric. */
export type RoutingName = 'ecmp' | 'spray';
export type FlowControlName = 'none';
export type LossRecoveryName = 'go-back-n';
export type CongestionControlName = 'none';

/** Everything that makes one fabric differ from another on the same topology. */
export interface FabricConfig {
  /** Label in results, e.g. "ethernet" or "ethernet+spray". */
  name: string;
  routing: RoutingName;
  flowControl: FlowControlName;
  lossRecovery: LossRecoveryName;
  cc: CongestionControlName;
  /** RDMA payload per packet (RoCE IB MTU). */
  mtuBytes: number;
  /** Per data packet on the wire beyond payload: Eth 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4, plus 20 B preamble and inter-frame gap. */
  headerBytes: number;
  /** An ACK/NACK on the wire: a 64 B minimum frame plus 20 B preamble and gap. */
  controlBytes: number;
  /** Shared switch buffer, per port of the switch (Spectrum-4: ~1 MiB per 400G port). */
  bufferBytesPerPort: number;
  /** Sender window per queue pair; undefined = one bandwidth-delay product of the longest path. */
  windowBytes?: number;
  /** Retransmission timeout: the backstop when no NACK arrives (IRN uses 320 µs). */
  rtoUs: number;
  /** The receiver ACKs every this many in-order packets (and always a message's last). */
  ackEveryPackets: number;
}
