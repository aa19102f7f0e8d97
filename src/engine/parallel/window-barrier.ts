/**
 * A barrier between the threads of one run, on shared memory: each thread publishes a number
 * and waits; all then read the minimum of the round's numbers. Rounds alternate between two
 * rows of slots, so a thread already in the next round cannot overwrite a number another is
 * still reading (to publish in round r + 2 it must pass round r + 1, which needs every thread).
 */
export class WindowBarrier {
  /** [threads arrived this round, rounds completed]. */
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  private round = 0;
  /** Wall time spent waiting here, ms. */
  waitedMs = 0;

  static sharedBytes(threads: number): number {
    return 8 + 2 * 8 * threads;
  }

  constructor(
    shared: SharedArrayBuffer,
    private readonly threads: number,
    private readonly index: number,
  ) {
    this.control = new Int32Array(shared, 0, 2);
    this.slots = new Float64Array(shared, 8, 2 * threads);
  }

  /** Publishes `value`, waits for every thread, returns the least value published this round. */
  min(value: number): number {
    const row = (this.round++ & 1) * this.threads;
    this.slots[row + this.index] = value;
    const started = performance.now();
    const generation = Atomics.load(this.control, 1);
    if (Atomics.add(this.control, 0, 1) === this.threads - 1) {
      Atomics.store(this.control, 0, 0);
      Atomics.add(this.control, 1, 1);
      Atomics.notify(this.control, 1);
    } else {
      while (Atomics.load(this.control, 1) === generation) Atomics.wait(this.control, 1, generation);
    }
    this.waitedMs += performance.now() - started;
    let least = Infinity;
    for (let i = 0; i < this.threads; i++) least = Math.min(least, this.slots[row + i]!);
    return least;
  }

  /** The greatest value published this round. */
  max(value: number): number {
    return -this.min(-value);
  }
}
