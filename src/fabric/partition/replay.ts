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
