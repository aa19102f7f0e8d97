import { shuffle, type Rng } from '../engine/index.js';
import type { Network } from '../fabric/index.js';
import type { Workload } from './workload.js';

/** A uniformly random derangement of 0..n-1 (no GPU sends to itself), by rejection. */
export function randomDerangement(n: number, rng: Rng): number[] {
  for (;;) {
    const p = shuffle(
      Array.from({ length: n }, (_, i) => i),
      rng,
    );
    if (p.every((v, i) => v !== i)) return p;
  }
}

/** Every GPU sends `bytes` to a distinct GPU at once: the fabric's bisection test. */
export class Permutation implements Workload {
  readonly ranks: number;
  readonly totalBytes: number;
  readonly algBytes: number;
  readonly busFactor = 1;
  finishedPs = 0;
  private pending: number;
  readonly destinations: number[];

  constructor(
    private readonly gpus: number[],
    private readonly bytes: number,
    rng: Rng,
  ) {
    this.ranks = gpus.length;
    this.destinations = randomDerangement(gpus.length, rng).map((i) => gpus[i]!);
    this.totalBytes = bytes * gpus.length;
    this.algBytes = bytes;
    this.pending = gpus.length;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  start(net: Network): void {
    this.gpus.forEach((src, i) => {
      net.send(net.openFlow(src, this.destinations[i]!), this.bytes, (atPs) => {
        if (--this.pending === 0) this.finishedPs = atPs;
      });
    });
  }
}
