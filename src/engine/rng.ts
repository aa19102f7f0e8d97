import seedrandom from 'seedrandom';

/** A seeded stream of uniform random numbers. Distributions take one as an argument. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** 2^-32: Alea's carry scale. */
const ALEA_2_POW_M32 = 2.3283064365386963e-10;
/** Alea's multiplier. */
const ALEA_MULTIPLIER = 2091639;

/**
 * Alea (Baagøe 2010), seeded by seedrandom's `alea` and stepped exactly as it steps it
 * (`t = a·s0 + c·2^-32; s0 = s1; s1 = s2; c = t | 0; s2 = t − c`), with its state in
 * fields so a hot loop can step it in locals and write it back (routing/adaptive.ts's
 * tie draws): the same doubles, so the same draws as seedrandom's own stepping.
 *
 * Every state word is a multiple of 2^-32 (seedrandom's Mash returns n·2^-32; the seed's
 * differences keep that), and a·s0 + c·2^-32 < 2^53·2^-32, so each step is exact: Alea is
 * the integer multiply-with-carry X' = (a·X + c) mod 2^32, c' = ⌊(a·X + c) / 2^32⌋ with
 * X = s·2^32. A loop may step it in that form (leastLoaded does): the same numbers.
 */
export class AleaRng implements Rng {
  // Initialized as numbers (a double, the carry a small integer), not declared bare: a bare
  // field starts `undefined`, and V8 then boxes every double stored into it (a HeapNumber
  // per store, 4 per adaptive routing choice); a double field is updated in place.
  s0 = 0.5;
  s1 = 0.5;
  s2 = 0.5;
  c = 0;

  constructor(seedText: string) {
    const state = seedrandom.alea(seedText, { state: true }).state();
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
    this.c = state.c;
  }

  // Arrow properties: callers may pass `rng.next` unbound (Array.from(…, rng.next)).
  readonly next = (): number => {
    const t = ALEA_MULTIPLIER * this.s0 + this.c * ALEA_2_POW_M32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  };

  readonly int = (n: number): number => Math.floor(this.next() * n);
}

/**
 * The stream of component `name` in the experiment seeded with `seed`. Each component
 * draws from its own stream, so adding a component never perturbs another's draws.
 */
export function rngStream(seed: number, name: string): AleaRng {
  return new AleaRng(`${seed}/${name}`);
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
