/**
 * Under `--threads`, a replica replaying a delivery another thread ran (network-partition.ts):
 * the workload's callback runs to keep its state and its queue pairs' messages the same in
 * every replica, at the delivery's time; it may post (recorded, not sent: the thread that owns
 * the sender sends it) but must not schedule events.
 */
export interface Replay {
  readonly replaying: boolean;
  /** The simulated time the replayed callback runs at (what `sim.nowPs` was where it ran live). */
  replayNowPs: number;
}

/** The network's replay state when a replayed callback is running, else null. */
export function replayOf(net: object): Replay | null {
  const partition = (net as { partition?: Partial<Replay> | null }).partition;
  return partition?.replaying === true ? (partition as Replay) : null;
}

/** Under `--threads`: what a workload-wide step (a job's next iteration) needs to run in every replica alike. */
export interface EveryReplica {
  /**
   * Runs `action` at `timePs` in every replica, keyed by the setup node and `tag` (unique per
   * such event, the same in every replica), whether called live or replayed. Legal only at
   * least the lookahead ahead of the delivery that calls it (the replicas learn of it one
   * window later); throws otherwise.
   */
  atEveryReplica(timePs: number, tag: number, action: () => void): void;
}

/** The network's partition when it runs split over threads, else null. */
export function everyReplicaOf(net: object): EveryReplica | null {
  const partition = (net as { partition?: Partial<EveryReplica> | null }).partition;
  return typeof partition?.atEveryReplica === 'function' ? (partition as EveryReplica) : null;
}

/** Under `--threads`: a message posted now that leaves `delayPs` later (a protocol's per-step latency). */
export interface PostAfter {
  /**
   * Records the message on its queue pair now, in every replica alike (live or replayed), and
   * has the thread owning its sender send it `delayPs` later: recording it only when it leaves
   * would let a replica record another post on that queue pair in between, in another order.
   */
  postAfter(flow: object, bytes: number, onDelivered: (atPs: number) => void, delayPs: number): void;
}

export function postAfterOf(net: object): PostAfter | null {
  const partition = (net as { partition?: Partial<PostAfter> | null }).partition;
  return typeof partition?.postAfter === 'function' ? (partition as PostAfter) : null;
}
