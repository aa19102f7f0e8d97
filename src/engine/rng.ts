import seedrandom from 'seedrandom';

/** A seeded stream of uniform random numbers. Distributions take one as an argument. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * The stream of component `name` in the experiment seeded with `seed`. Each component
 * draws from its own stream, so adding a component never perturbs another's draws.
 */
export function rngStream(seed: number, name: string): Rng {
  const prng = seedrandom.alea(`${seed}/${name}`);
  return {
    next: () => prng(),
    int: (n: number) => Math.floor(prng() * n),
  };
}

/** A 32-bit seed for component `name`, e.g. a switch's ECMP hash salt. */
export function seed32(seed: number, name: string): number {
  return seedrandom.alea(`${seed}/${name}`).int32() >>> 0;
}

/** In-place Fisher–Yates shuffle. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}
