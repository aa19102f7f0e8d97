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
  /** Wall time at barriers (waiting for the slowest thread), and in all. */
  barrierMs: number;
  wallMs: number;
}

/**
 * Conservative synchronization in windows. Every thread flushes what it sent, publishes the
 * earliest time it knows of (its next event, or its earliest packet in flight to another
 * thread), and at the barrier all agree on the global earliest t; then each runs its events
 * before t + lookahead. Nothing another thread does in that window can reach it before then:
 * a packet crossing threads spends at least `lookaheadPs` on the wire. The run ends when no
 * thread has anything left, or nothing at or before `limitPs` (limits.maxTimeUs: every event
 * up to it runs, as Simulator.run's maxTimePs does). Every thread takes the same windows,
 * whatever their number.
 */
/**
 * Looks at a part at given instants (sampling): at `nextPs`, every event up to it run, none
 * after. It must schedule nothing, so looking cannot change the run.
 */
export interface WindowObserver {
  readonly nextPs: number;
  at(nowPs: number): void;
}

/**
 * One part's window: its events before `endPs` (Infinity: all of them), stopping at the
 * observer's instants on the way. Instants in a gap between windows are taken at the next
 * window's start (nothing happened in the gap); with no end, only while events remain.
 */
export function runWindow(sim: Simulator, endPs: number, observer?: WindowObserver): void {
  while (observer !== undefined && observer.nextPs < endPs) {
    const atPs = observer.nextPs;
    if (sim.run({ maxTimePs: atPs }) === 'idle' && endPs === Infinity) return;
    observer.at(atPs);
  }
  if (endPs === Infinity) sim.run();
  else sim.run({ maxTimePs: endPs - 1 });
}

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
export function runLockstep(parts: readonly LockstepPart[], lookaheadPs: number, limitPs = Infinity): { windows: number; capped: boolean } {
  if (!(lookaheadPs > 0)) throw new Error(`parallel windows: lookahead ${lookaheadPs} ps, a window would never advance`);
  let windows = 0;
  for (;;) {
    let earliestPs = Infinity;
    for (const p of parts) earliestPs = Math.min(earliestPs, p.exchange.flush(), p.queue.peekTimePs());
    for (const p of parts) p.exchange.drain();
    if (earliestPs === Infinity || earliestPs > limitPs) {
      if (earliestPs !== Infinity) for (const p of parts) stopAtLimit(p.sim, limitPs);
      return { windows, capped: earliestPs !== Infinity };
    }
    for (const p of parts) runWindow(p.sim, windowEndPs(earliestPs, lookaheadPs, limitPs), p.observer);
    windows++;
  }
}

/** Every event up to the limit has run everywhere: the clock moves to it, as the sequential run's does (a job's report reads it). */
function stopAtLimit(sim: Simulator, limitPs: number): void {
  sim.run({ maxTimePs: limitPs });
}

/** A window's end: a lookahead after the earliest event, and no further than just past the limit. */
const windowEndPs = (earliestPs: number, lookaheadPs: number, limitPs: number): number => Math.min(earliestPs + lookaheadPs, limitPs + 1);

export function runWindows(
  sim: Simulator,
  queue: KeyedEventQueue,
  barrier: WindowBarrier,
  exchange: WindowExchange,
  lookaheadPs: number,
  limitPs = Infinity,
  observer?: WindowObserver,
): WindowStats {
  if (!(lookaheadPs > 0)) throw new Error(`parallel windows: lookahead ${lookaheadPs} ps, a window would never advance`);
  const started = performance.now();
  let windows = 0;
  let earliestPs: number;
  for (;;) {
    const sentPs = exchange.flush();
    earliestPs = barrier.min(Math.min(queue.peekTimePs(), sentPs));
    exchange.drain();
    if (earliestPs === Infinity || earliestPs > limitPs) break;
    runWindow(sim, windowEndPs(earliestPs, lookaheadPs, limitPs), observer);
    windows++;
  }
  if (earliestPs !== Infinity) stopAtLimit(sim, limitPs);
  return { windows, capped: earliestPs !== Infinity, barrierMs: barrier.waitedMs, wallMs: performance.now() - started };
}
