import type { CONGESTION_CONTROLS } from './cc/index.js';
import type { FLOW_CONTROLS } from './flow-control/index.js';
import type { NameOf, ParamsOf } from './mechanism.js';
import type { ROUTINGS } from './routing/index.js';
import type { LOSS_RECOVERIES } from './transport/index.js';

export type { AdaptiveGlobalParams } from './routing/adaptive-global.js';
export type { PfcParams } from './flow-control/pfc.js';
export type { DcqcnParams } from './cc/dcqcn.js';
export type { TelemetryParams } from './cc/telemetry.js';

/** Mechanism names: each names a module of its kind's registry (routing/, flow-control/, cc/, transport/ index.ts). */
export type RoutingName = NameOf<typeof ROUTINGS>;
export type FlowControlName = NameOf<typeof FLOW_CONTROLS>;
export type LossRecoveryName = NameOf<typeof LOSS_RECOVERIES>;
export type CongestionControlName = NameOf<typeof CONGESTION_CONTROLS>;

/** RED-style ECN marking on egress queue depth (defaults: NVIDIA Cumulus RoCE, Kmin 150 KB, Kmax 1.5 MB, Pmax 100%). */
export interface EcnParams {
  enabled: boolean;
  kminBytes: number;
  kmaxBytes: number;
  /** Marking probability at Kmax; above Kmax every packet is marked. */
  pmax: number;
}

/** The fields of a fabric that belong to no mechanism module. */
export interface BaseFabricConfig {
  /** Label in results, e.g. "ethernet" or "ethernet+spray". */
  name: string;
  ecn: EcnParams;
  /** RDMA payload per packet (RoCE IB MTU). */
  mtuBytes: number;
  /** Per data packet on the wire beyond payload: Eth 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4, plus 20 B preamble and inter-frame gap. */
  headerBytes: number;
  /** An ACK/NACK/CNP/PAUSE on the wire: a 64 B minimum frame plus 20 B preamble and gap. */
  controlBytes: number;
  /** Shared switch buffer, per port of the switch (Spectrum-4: ~1 MiB per 400G port). */
  bufferBytesPerPort: number;
  /** Sender window per queue pair; undefined = one bandwidth-delay product of the longest path. */
  windowBytes?: number;
  /** Retransmission timeout: the backstop when no NACK arrives (IRN uses 320 µs). */
  rtoUs: number;
  /** Failure to ECMP-family routing excluding the dead next hop; undefined: DEFAULT_ROUTING_RECONVERGE_US (failures.ts). */
  routingReconvergeUs?: number;
  /** The receiver ACKs every this many in-order packets (and always a message's last). */
  ackEveryPackets: number;
  /**
   * NIC/software overhead per message sent over the fabric (LogP's o at the sender: WQE post,
   * doorbell, descriptor fetch): the NIC starts one message at a time, each this long after the
   * previous start or its post, whichever is later. 0 (default): a message starts when posted.
   * NVLink messages inside a server do not pay it. What `fabsim calibrate` fits.
   */
  nicOverheadNs: number;
}

/**
 * Everything that makes one fabric differ from another on the same topology: the base
 * fields, one mechanism of each kind, and the parameter fields every registered mechanism
 * owns (e.g. `dcqcn`, `flowletGapUs`; present whichever mechanism is chosen, so presets
 * and overrides can set them alike).
 */
export type FabricConfig = BaseFabricConfig & {
  routing: RoutingName;
  flowControl: FlowControlName;
  lossRecovery: LossRecoveryName;
  cc: CongestionControlName;
} & ParamsOf<typeof ROUTINGS> &
  ParamsOf<typeof FLOW_CONTROLS> &
  ParamsOf<typeof CONGESTION_CONTROLS> &
  ParamsOf<typeof LOSS_RECOVERIES>;
