/** One fabric's outcome. Field names and units are a stable contract for scripts. */
export interface FabricResult {
  fabric: string;
  /** Which workload of the spec this row measured, e.g. "allreduce/ring 64MiB x4". */
  workload: string;
  /** False when a limit stopped the run (or it stalled) before the workload finished. */
  completed: boolean;
  /** When the last message of the workload was delivered. */
  completionUs: number;
  /** nccl-tests: algbw = S / t (GB = 1e9 B), busbw = algbw × the collective's factor. */
  algbwGBps: number;
  busbwGBps: number;
  /** busbw over the per-GPU line rate. */
  effectiveBandwidth: number;
  /** One-way NIC-to-NIC latency of data packets. */
  latencyUs: { p50: number; p99: number; p999: number; max: number };
  /** Message completion time: posted to last byte delivered. */
  fctUs: { p50: number; p99: number; max: number };
  bytesDelivered: number;
  /** Data packets NICs put on the wire, retransmissions included. */
  dataPackets: number;
  /** Payload bytes NICs put on the wire, retransmissions included. */
  bytesSent: number;
  bytesDropped: number;
  drops: number;
  retransmits: number;
  timeouts: number;
  nacks: number;
  outOfOrderDiscards: number;
  outOfOrderArrivals: number;
  /** Arrivals of data the receiver already had (or had discarded): transmissions not needed. */
  spuriousRetransmits: number;
  /** PAUSE frames switches sent, and the time ports spent paused, summed over ports. */
  pfcPauses: number;
  pfcPausedUs: number;
  ecnMarks: number;
  cnps: number;
  /** Deepest egress queue seen on any switch port. */
  maxQueueBytes: number;
  events: number;
  wallMs: number;
}

export interface ExperimentResult {
  experiment: string;
  seed: number;
  topology: Record<string, unknown>;
  /** The workload as specified, or the list of them. */
  workload: Record<string, unknown> | Record<string, unknown>[];
  results: FabricResult[];
}
