import { rngStream, type AleaRng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, routable, type RoutingPolicy } from './routing-policy.js';

/**
 * The routable candidate (routing-policy.ts; `immediate`: dead ports skipped at once) with
 * the fewest data bytes queued; ties broken by the seeded RNG. None routable: the first.
 *
 * Reservoir sampling: the k-th tie replaces the pick when `rng.int(k) === 0`, i.e. when
 * the draw u has u·k < 1. At an idle leaf all uplinks tie (31 draws per packet on
 * spectrum-x), so Alea is stepped here in locals, in its exact integer form (rng.ts):
 * X' = lo + c, c' = hi (+1 if lo + c wraps), where a·X = hi·2^32 + lo, and u = X'·2^-32, so
 * u·k < 1 ⇔ X'·k < 2^32. The same draws in the same number; the state is written back once.
 * Stepping it as seedrandom does (t = a·s0 + c·2^-32; c = t | 0) chains a float-to-int and
 * an int-to-float conversion through every draw; here the carry is almost always `hi`, which
 * does not wait for the previous draw (a wrap has odds ~c/2^32 < 2^-11).
 */
export function leastLoaded(candidates: readonly Port[], rng: AleaRng, dst: number, immediate: boolean): Port {
  let first = 0;
  while (first < candidates.length && !routable(candidates[first]!, dst, immediate)) first++;
  if (first === candidates.length) return candidates[0]!;
  let best = candidates[first]!;
  let bestBytes = best.dataQueuedBytes;
  let ties = 1;
  // rng.ts's ALEA_* as literals here: a module-level constant is a load and a type check per
  // use in optimized code (−20% of this loop's time in a micro-benchmark).
  const SPAN = 4_294_967_296; // 2^32
  const INV_SPAN = 2.3283064365386963e-10; // 2^-32
  const MULTIPLIER = 2091639;
  let x0 = rng.s0 * SPAN;
  let x1 = rng.s1 * SPAN;
  let x2 = rng.s2 * SPAN;
  let c = rng.c;
  for (let i = first + 1; i < candidates.length; i++) {
    const port = candidates[i]!;
    if (!routable(port, dst, immediate)) continue;
    const bytes = port.dataQueuedBytes;
    if (bytes < bestBytes) {
      best = port;
      bestBytes = bytes;
      ties = 1;
    } else if (bytes === bestBytes) {
      const product = MULTIPLIER * x0; // exact: < 2^53
      const hi = Math.floor(product * INV_SPAN);
      let x = product - hi * SPAN + c;
      if (x >= SPAN) {
        x -= SPAN;
        c = hi + 1;
      } else c = hi;
      x0 = x1;
      x1 = x2;
      x2 = x;
      if (x * ++ties < SPAN) best = port;
    }
  }
  rng.s0 = x0 * INV_SPAN;
  rng.s1 = x1 * INV_SPAN;
  rng.s2 = x2 * INV_SPAN;
  rng.c = c;
  return best;
}

/**
 * Spectrum-X-style adaptive routing: every packet goes out of the equal-cost port whose
 * egress queue holds the fewest bytes. The view is local: a leaf cannot see the spine's
 * downlink queues, which is what keeps it below ideal balance at full load.
 */
export class AdaptiveRouting implements RoutingPolicy {
  constructor(private readonly rng: AleaRng) {}

  choose(candidates: readonly Port[], packet: Packet): Port {
    return leastLoaded(candidates, this.rng, packet.dstHost, true);
  }
}

export const adaptive = defineRouting({
  name: 'adaptive',
  flowModel: 'even-split',
  seesDeadPortsAtOnce: true,
  overrides: () => ({}),
  defaults: {},
  create: ({ seed }) => new AdaptiveRouting(rngStream(seed, 'routing/adaptive')),
});
