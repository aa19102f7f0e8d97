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
  /** Static thresholds instead of α (htsim's RoCE: 15 and 12 packets): an ingress pauses its upstream above xoffBytes, resumes below xonBytes (default xoff − resumeOffsetBytes). */
  xoffBytes?: number;
  xonBytes?: number;
}

/** DCQCN (Zhu et al. SIGCOMM'15), defaults as the DCQCN paper's and htsim's (`dcqcn.cpp`). */
export interface DcqcnParams {
  /** The receiver sends at most one CNP per flow per interval; marks inside it yield one CNP at its end. */
  cnpIntervalUs: number;
  /** α gain g. */
  g: number;
  /** K: α decays by (1 − g) per this period without a CNP. */
  alphaIntervalUs: number;
  /** Rate-increase timer period T. */
  increaseIntervalUs: number;
  /** Byte counter B: an increase event per B bytes of new data sent (paper and htsim: 10,000,000). */
  byteCounterBytes: number;
  /** Fast-recovery stages F: exactly F halvings towards R_T after a cut. */
  fastRecoverySteps: number;
  /** Additive and hyper increase steps, as fractions of line rate (htsim: 1/20 and 1/10). */
  rateAiFraction: number;
  rateHaiFraction: number;
  /** Floor of the rate, as a fraction of line rate. */
  minRateFraction: number;
}

/** HPCC telemetry congestion control (Li et al. SIGCOMM'19; defaults as its ns-3 `run.py`). */
export interface TelemetryParams {
  /** Target utilization η. */
  eta: number;
  /** Additive-increase stages before a multiplicative update is forced (HPCC's maxStage / MI_THRESH: 0). */
  maxStage: number;
  /** Additive increase W_AI, as a fraction of line rate (HPCC's run.py: 10·bw/25 Mb/s = 0.0004). */
  rateAiFraction: number;
  /**
   * `after-max` (HPCC, MULTI_RATE 0): U = max over hops of the instant u_j, then smoothed
   * over T. `per-hop`: each hop smoothed, then the max (a departure, see README).
   */
  smoothing: 'after-max' | 'per-hop';
  /** `variable` (HPCC's VAR_WIN): the window is W·R/line; `fixed`: W whatever the rate. */
  window: 'variable' | 'fixed';
  /** INT bytes each fabric data packet and its ACK carry (HPCC's IntHeader: 5 hops × 8 B + 2 B = 42). */
  intHeaderBytes: number;
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
