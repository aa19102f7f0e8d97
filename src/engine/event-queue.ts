/** Anything the simulator can deliver an event to. `kind` and `arg` are the target's own. */
export interface EventTarget {
  onEvent(kind: number, arg: unknown): void;
}

/**
 * A priority queue of events ordered by (time, insertion order): events at equal time
 * leave in the order they were pushed, which makes every run deterministic.
 * `pop` returns the target and leaves the event's time, kind and arg in the `popped*`
 * fields, so the hot path allocates nothing.
 */
export interface EventQueue {
  readonly size: number;
  push(timePs: number, target: EventTarget, kind: number, arg: unknown): void;
  /** Time of the earliest event; Infinity when empty. */
  peekTimePs(): number;
  pop(): EventTarget | undefined;
  readonly poppedTimePs: number;
  readonly poppedKind: number;
  readonly poppedArg: unknown;
}
