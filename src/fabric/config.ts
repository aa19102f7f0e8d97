/** Mechanism names; each names a module chosen per fabric. */
export type RoutingName = 'ecmp' | 'spray' | 'adaptive' | 'flowlet' | 'adaptive-global';
export type FlowControlName = 'none' | 'pfc';
export type LossRecoveryName = 'go-back-n' | 'selective' | 'ooo';
export type CongestionControlName = 'none' | 'dcqcn' | 'telemetry';

/** RED-style ECN marking on egress queue depth (defaults: NVIDIA Cumulus RoCE, Kmin 150 KB, Kmax 1.5 MB, Pmax 100%). */
export interface EcnParams {
  enabled: boolean;
  kminBytes: number;
  kmaxBytes: number;
  /** Marking probability at Kmax; above Kmax every packet is marked. */
  pmax: number;
}

/** Priority flow control on the lossless (data) class. */
export interface PfcParams {
  /** Dynamic threshold: an ingress port pauses its upstream when its shared-buffer use exceeds this fraction of the free shared buffer (HPCC MMU: 1/8). */
  alpha: number;
  /** Resume once the ingress is this many bytes below the threshold (HPCC MMU: 3 KB). */
  resumeOffsetBytes: number;
}

/** DCQCN (Zhu et al. SIGCOMM'15), defaults as htsim's and the DCQCN paper's. */
export interface DcqcnParams {
  /** The receiver sends at most one CNP per flow per interval. */
  cnpIntervalUs: number;
  /** α gain g. */
  g: number;
  /** α update and rate-increase timer period. */
  alphaIntervalUs: number;
  increaseIntervalUs: number;
  /** Byte counter B: an increase event per B bytes sent. */
  byteCounterBytes: number;
  /** Fast-recovery stages F. */
  fastRecoverySteps: number;
  /** Additive and hyper increase steps, as fractions of line rate (htsim: 1/20 and 1/10). */
  rateAiFraction: number;
  rateHaiFraction: number;
  /** Floor of the rate, as a fraction of line rate. */
  minRateFraction: number;
}

/** HPCC-style telemetry congestion control (HPCC SIGCOMM'19 defaults). */
export interface TelemetryParams {
  /** Target utilization η. */
  eta: number;
  /** Additive-increase stages before a multiplicative update is forced. */
  maxStage: number;
  /** Additive increase W_AI, as a fraction of line rate: HPCC's (1 − η)/N for N flows per link (N = 4 by default). */
  rateAiFraction: number;
}

/** adaptive-global routing: how switches advertise their queues upstream (see README "adaptive-global"). */
export interface AdaptiveGlobalParams {
  /** A switch samples and advertises its egress queues every this often. */
  periodUs: number;
  /** A sample reaches the switch one hop upstream this long after it was taken (per hop). */
  delayUs: number;
  /** notify: avoid ports whose next switch advertises ≥ thresholdBytes (ARN); least-sum: least local + advertised bytes. */
  mode: 'notify' | 'least-sum';
  thresholdBytes: number;
}

/** Everything that makes one fabric differ from another on the same topology. */
export interface FabricConfig {
  /** Label in results, e.g. "ethernet" or "ethernet+spray". */
  name: string;
  routing: RoutingName;
  flowControl: FlowControlName;
  lossRecovery: LossRecoveryName;
  cc: CongestionControlName;
  /** Idle gap after which a flowlet may take a new path (routing: flowlet). */
  flowletGapUs: number;
  adaptiveGlobal: AdaptiveGlobalParams;
  ecn: EcnParams;
  pfc: PfcParams;
  dcqcn: DcqcnParams;
  telemetry: TelemetryParams;
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
  /** The receiver ACKs every this many in-order packets (and always a message's last). */
  ackEveryPackets: number;
}
