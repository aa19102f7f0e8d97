import { shuffle, type Rng } from '../engine/index.js';
import { Transfers } from './transfers.js';

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
export function permutation(gpus: number[], bytes: number, rng: Rng): Transfers {
  const destinations = randomDerangement(gpus.length, rng);
  return new Transfers(
    gpus.map((src, i) => ({ src, dst: gpus[destinations[i]!]! })),
    bytes,
    bytes,
  );
}
