import type { EventTarget } from './event-queue.js';
import type { Simulator } from './simulator.js';

/**
 * A re-armable, cancellable timer that keeps at most one live event in the queue.
 * Pushing the deadline later (as a retransmission timer does on every ACK) only moves a
 * number; the pending event notices the new deadline when it fires and re-schedules
 * itself. Cancelling bumps a generation so the stale event is ignored: no queue scan.
 */
export class Timer<A = undefined> implements EventTarget {
  private deadlinePs = Infinity;
  private pendingAtPs = Infinity;
  private generation = 0;

  /**
   * `onFire(arg)`: a handler shared by many timers (a NIC's, per queue pair `arg`) costs no
   * closure per timer — at millions of queue pairs the closures were a third of their memory.
   */
  constructor(
    private readonly sim: Simulator,
    private readonly onFire: (arg: A) => void,
    private readonly arg: A = undefined as A,
  ) {}

  get armed(): boolean {
    return this.deadlinePs !== Infinity;
  }

  /** (Re)arms the timer to fire `delayPs` from now. */
  set(delayPs: number): void {
    this.deadlinePs = this.sim.nowPs + delayPs;
    if (this.deadlinePs < this.pendingAtPs) {
      this.generation++;
      this.pendingAtPs = this.deadlinePs;
      this.sim.at(this.deadlinePs, this, 0, this.generation);
    }
  }

  cancel(): void {
    this.deadlinePs = Infinity;
  }

  onEvent(_kind: number, generation: unknown): void {
    if (generation !== this.generation) return;
    this.pendingAtPs = Infinity;
    if (this.deadlinePs === Infinity) return;
    if (this.sim.nowPs < this.deadlinePs) {
      this.pendingAtPs = this.deadlinePs;
      this.sim.at(this.deadlinePs, this, 0, this.generation);
      return;
    }
    this.deadlinePs = Infinity;
    this.onFire(this.arg);
  }
}
