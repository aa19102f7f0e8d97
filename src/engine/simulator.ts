import type { EventQueue, EventTarget } from './event-queue.js';
import { RadixEventQueue } from './radix-event-queue.js';

export interface RunLimits {
  /** Stop before running any event later than this simulated time. */
  maxTimePs?: number;
  /** Stop after this many events in total. */
  maxEvents?: number;
}

/**
 * A run that cannot advance: the clock stuck at one time (a timer or serialization that
 * rounds to 0 ps and reschedules itself), or past the last exact integer picosecond. The
 * message is one line for the user; `limits.maxTimeUs` cannot stop a clock that stands still.
 */
export class SimulationError extends Error {
  override name = 'SimulationError';
}

/** Consecutive events at one simulated time that mean the clock is stuck (no workload posts nearly so many at once). */
export const MAX_EVENTS_AT_ONE_TIME = 20_000_000;

/**
 * The message is built here, in a function the hot path never calls. With the template literal
 * inline in `at`, V8's optimized code converted `timePs` to a string on every call, ahead of
 * the branch (a new 32-byte string whenever V8's number-string cache missed):
 * 19% of the CPU of an 8,192-GPU hierarchical all-reduce's first 110M events (README, `--threads`).
 */
function pastTimeError(timePs: number, nowPs: number): Error {
  return new Error(`cannot schedule in the past: ${timePs} < ${nowPs}`);
}

/** Why `run` returned: nothing left to do, a limit was reached, or `stop()` was called. */
export type StopReason = 'idle' | 'max-time' | 'max-events' | 'stopped';

/**
 * The simulation kernel: a clock and an event queue. It knows nothing about networks.
 * It is passed to every component (no global state), so several runs can share a process.
 */
export class Simulator {
  nowPs = 0;
  /** Events executed so far. */
  events = 0;
  private stopRequested = false;
  /** Events run at `nowPs` so far, across `run` calls (the live runner slices a run). */
  private eventsAtNow = 0;

  constructor(
    private readonly queue: EventQueue = new RadixEventQueue(),
    private readonly maxEventsAtOneTime = MAX_EVENTS_AT_ONE_TIME,
  ) {}

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Schedules `target.onEvent(kind, arg)` after `delayPs` (≥ 0). */
  schedule(delayPs: number, target: EventTarget, kind: number, arg?: unknown): void {
    this.queue.push(this.nowPs + delayPs, target, kind, arg);
  }

  /** Schedules `target.onEvent(kind, arg)` at absolute time `timePs` (≥ now). */
  at(timePs: number, target: EventTarget, kind: number, arg?: unknown): void {
    if (timePs < this.nowPs) throw pastTimeError(timePs, this.nowPs);
    this.queue.push(timePs, target, kind, arg);
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  run(limits: RunLimits = {}): StopReason {
    const maxTimePs = limits.maxTimePs ?? Infinity;
    const maxEvents = limits.maxEvents ?? Infinity;
    const queue = this.queue;
    this.stopRequested = false;
    for (;;) {
      if (queue.size === 0) return 'idle';
      if (this.events >= maxEvents) return 'max-events';
      if (maxTimePs !== Infinity && queue.peekTimePs() > maxTimePs) {
        this.nowPs = maxTimePs;
        return 'max-time';
      }
      const target = queue.pop()!;
      if (queue.poppedTimePs !== this.nowPs) {
        this.nowPs = queue.poppedTimePs;
        this.eventsAtNow = 0;
        if (this.nowPs > Number.MAX_SAFE_INTEGER)
          throw new SimulationError(`simulated time passed 2^53 ps (~2.5 h), the clock's exact range: lower the sizes or durations, or set limits.maxTimeUs`);
      } else if (++this.eventsAtNow > this.maxEventsAtOneTime) {
        throw new SimulationError(
          `simulation stuck: ${this.maxEventsAtOneTime.toLocaleString('en-US')} events in a row at t=${this.nowPs / 1e6} µs without the clock advancing (a timer or rate too small for the picosecond clock?)`,
        );
      }
      this.events++;
      target.onEvent(queue.poppedKind, queue.poppedArg);
      if (this.stopRequested) return 'stopped';
    }
  }

  /** Runs every event up to and including `timePs`, then sets the clock to `timePs`. */
  runUntil(timePs: number): StopReason {
    return this.run({ maxTimePs: timePs });
  }
}
