/**
 * Where a message's or a collective's time went: one slot per cause, in picoseconds. The
 * slots of one breakdown always add up to the time it explains (each cause is a share of
 * an interval, never an estimate laid next to it).
 */
export const Part = {
  /** Bits leaving a port at its rate: the message's own packets at the NIC, the completing packet at every hop. */
  Serialization: 0,
  /** Bits on the wire, cable by cable. */
  Propagation: 1,
  /** Waiting in a queue whose port was stopped by a PFC PAUSE. */
  PfcPaused: 2,
  /** From the first transmission of a packet that had to be resent to its accepted copy, less the line-rate sending in between. */
  Retransmission: 3,
  /** Held below line rate at the sender by the congestion-control pacer: its gap beyond line rate (packet model); a max-min share below line rate (flow model). */
  Throttled: 4,
  /** A message inside a server, over NVLink, whole. */
  Nvlink: 5,
  /** On the critical path between messages: NCCL launch and per-step latency, a start time. */
  StepLatency: 6,
  /** A job's compute phases. */
  Compute: 7,
  /** Waiting at the sending NIC behind other queue pairs (and the flow's own earlier messages). */
  QueueNic: 8,
  /** The sender's window was full: its packets in flight were not acknowledged yet (still queued downstream, or lost). */
  WindowFull: 9,
} as const;

/** Queueing at switches of tier t (0 = the lowest, as TopologyShape.tierNames) goes to slot QUEUE_TIER0 + t. */
export const QUEUE_TIER0 = 10;
/** Switch tiers a breakdown tells apart; higher tiers share the last slot. */
export const MAX_TIERS = 6;
export const PART_COUNT = QUEUE_TIER0 + MAX_TIERS;

export const queueSlot = (tier: number): number => QUEUE_TIER0 + Math.min(Math.max(tier, 0), MAX_TIERS - 1);

/** A breakdown of some time: parts (indexed by Part / queueSlot) and what each link on the path cost. */
export interface Breakdown {
  readonly parts: Float64Array;
  /** Per link (keyed by its sending port), time spent at or on it: waiting, serialization, propagation. */
  readonly links: Map<object, number>;
}

export const newBreakdown = (): Breakdown => ({ parts: new Float64Array(PART_COUNT), links: new Map() });

export function sumParts(parts: Float64Array): number {
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i]!;
  return total;
}
