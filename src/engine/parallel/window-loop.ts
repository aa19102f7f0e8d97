import { performance } from 'node:perf_hooks';
import type { Simulator } from '../simulator.js';
import type { KeyedEventQueue } from './keyed-event-queue.js';
import type { WindowBarrier } from './window-barrier.js';

/** What one thread trades with the others between windows. */
export interface WindowExchange {
  /** Sends what this window produced for other threads; returns the earliest arrival time among it (Infinity: none). */
  flush(): number;
  /** Takes in what the other threads sent this round (every one has flushed: the barrier is behind). */
  drain(): void;
}

export interface WindowStats {
  windows: number;
  /** Whether events were left after `limitPs` (the run stopped at its time limit, not idle). */
  capped: boolean;
  /** Whether a thread was asked to stop (Ctrl-C): all stopped after the same window. */
  stopped: boolean;
  /** Wall time at barriers (waiting for the slowest thread), and in all. */
  barrierMs: number;
  wallMs: number;
}

/**
 * Looks at a part at given instants (sampling): at `nextPs`, every event up to it run, none
 * after. It must schedule nothing, so looking cannot change the run.
 */
export interface WindowObserver {
  readonly nextPs: number;
  /** `goesOn`: this part has events after `nowPs`, so the run does not end before it (else it may have, in a last window). */
  at(nowPs: number, goesOn: boolean): void;
  /** A window starts: the run has gone on past every instant looked at so far. */
  windowStarts(): void;
}

/**
 * One part's window: its events before `endPs` (Infinity: all of them), stopping at the
 * observer's instants on the way. Instants in a gap between windows are taken at the next
 * window's start (nothing happened in the gap); with no end, only while events remain.
 */
export function runWindow(sim: Simulator, endPs: number, observer?: WindowObserver): void {
  observer?.windowStarts();
  while (observer !== undefined && observer.nextPs < endPs) {
    const atPs = observer.nextPs;
    const goesOn = sim.run({ maxTimePs: atPs }) !== 'idle';
    if (!goesOn && endPs === Infinity) return;
    observer.at(atPs, goesOn);
  }
  if (endPs === Infinity) sim.run();
  else sim.run({ maxTimePs: endPs - 1 });
}

/** Where windows stop: the run's time limit (every event up to it runs), and instants no window may straddle. */
export interface WindowBounds {
  limitPs?: number;
  /**
   * Each of these times T, and T + 1, starts a window (link failures: when a link fails at T,
   * every packet put on it before T has reached the far end's thread, and one put on it in T's
   * own picosecond reaches it while the link is still down).
   */
  breaksPs?: readonly number[];
}

/** The window ends a run's bounds allow, asked for with non-decreasing earliest times. */
class WindowEnds {
  private readonly limitPs: number;
  private readonly breaksPs: number[];
  private nextBreak = 0;

  constructor(
    private readonly lookaheadPs: number,
    bounds: WindowBounds,
  ) {
    if (!(lookaheadPs > 0)) throw new Error(`parallel windows: lookahead ${lookaheadPs} ps, a window would never advance`);
    this.limitPs = bounds.limitPs ?? Infinity;
    this.breaksPs = [...new Set((bounds.breaksPs ?? []).flatMap((t) => [t, t + 1]))].sort((a, b) => a - b);
  }

  /** Nothing left at or before the limit. */
  done(earliestPs: number): boolean {
    return earliestPs === Infinity || earliestPs > this.limitPs;
  }

  /** A window's end: a lookahead after the earliest event, no further than the next break or just past the limit. */
  endAfter(earliestPs: number): number {
    while (this.nextBreak < this.breaksPs.length && this.breaksPs[this.nextBreak]! <= earliestPs) this.nextBreak++;
    return Math.min(earliestPs + this.lookaheadPs, this.breaksPs[this.nextBreak] ?? Infinity, this.limitPs + 1);
  }

  /** Every event up to the limit has run everywhere: the clock moves to it, as the sequential run's does (a job's report reads it). */
  stopAtLimit(sim: Simulator): void {
    sim.run({ maxTimePs: this.limitPs });
  }
}

/** What the run's driver asks of a thread between windows. */
export interface WindowControl {
  /** Checked before each window; one thread asking stops every thread after the same window (they agree at the barrier). */
  stopRequested(): boolean;
  /** After each window: a chance to report progress (it decides itself whether to). */
  afterWindow(): void;
}

/** Published at the barrier instead of a time by a thread asked to stop: below any time, so every thread sees it. */
const STOP = -1;

/** A part as the lockstep driver sees it. */
export interface LockstepPart {
  sim: Simulator;
  queue: KeyedEventQueue;
  exchange: WindowExchange;
  observer?: WindowObserver;
}

/**
 * The same windows as runWindows, every part in this one thread, one after another: the
 * barrier is the loop itself. Returns the number of windows. (Tests split a run into many
 * parts this way without threads; the result must not change.)
 */
export function runLockstep(parts: readonly LockstepPart[], lookaheadPs: number, bounds: WindowBounds = {}): { windows: number; capped: boolean } {
  const ends = new WindowEnds(lookaheadPs, bounds);
  let windows = 0;
  for (;;) {
    let earliestPs = Infinity;
    for (const p of parts) earliestPs = Math.min(earliestPs, p.exchange.flush(), p.queue.peekTimePs());
    for (const p of parts) p.exchange.drain();
    if (ends.done(earliestPs)) {
      if (earliestPs !== Infinity) for (const p of parts) ends.stopAtLimit(p.sim);
      return { windows, capped: earliestPs !== Infinity };
    }
    const endPs = ends.endAfter(earliestPs);
    for (const p of parts) runWindow(p.sim, endPs, p.observer);
    windows++;
  }
}

/**
 * Conservative synchronization in windows. Every thread flushes what it sent, publishes the
 * earliest time it knows of (its next event, or its earliest packet in flight to another
 * thread), and at the barrier all agree on the global earliest t; then each runs its events
 * before t + lookahead. Nothing another thread does in that window can reach it before then:
 * a packet crossing threads spends at least `lookaheadPs` on the wire (and a window ends
 * early at a break of `bounds`). The run ends when no thread has anything left, or nothing at
 * or before the time limit (limits.maxTimeUs: every event up to it runs, as Simulator.run's
 * maxTimePs does). Every thread takes the same windows, whatever their number.
 */
export function runWindows(
  sim: Simulator,
  queue: KeyedEventQueue,
  barrier: WindowBarrier,
  exchange: WindowExchange,
  lookaheadPs: number,
  bounds: WindowBounds = {},
  observer?: WindowObserver,
  control?: WindowControl,
): WindowStats {
  const ends = new WindowEnds(lookaheadPs, bounds);
  const started = performance.now();
  let windows = 0;
  let earliestPs: number;
  for (;;) {
    const sentPs = exchange.flush();
    const stop = control?.stopRequested() ?? false;
    earliestPs = barrier.min(stop ? STOP : Math.min(queue.peekTimePs(), sentPs));
    exchange.drain();
    if (earliestPs === STOP || ends.done(earliestPs)) break;
    runWindow(sim, ends.endAfter(earliestPs), observer);
    windows++;
    control?.afterWindow();
  }
  const stopped = earliestPs === STOP;
  const capped = !stopped && earliestPs !== Infinity;
  if (capped) ends.stopAtLimit(sim);
  return { windows, capped, stopped, barrierMs: barrier.waitedMs, wallMs: performance.now() - started };
}
