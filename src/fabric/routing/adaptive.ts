import { ALEA_2_POW_M32, ALEA_MULTIPLIER, rngStream, type AleaRng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, routable, type RoutingPolicy } from './routing-policy.js';

/**
 * The routable candidate (routing-policy.ts; `immediate`: dead ports skipped at once) with
 * the fewest data bytes queued; ties broken by the seeded RNG. None routable: the first.
 *
 * Reservoir sampling: the k-th tie replaces the pick when `rng.int(k) === 0`, i.e. when
 * the draw u has u·k < 1. At an idle leaf all uplinks tie (31 draws per packet on
 * spectrum-x), so Alea is stepped here in locals (rng.ts: the same arithmetic, so the same
 * draws in the same number) and its state written back once.
 */
export function leastLoaded(candidates: readonly Port[], rng: AleaRng, dst: number, immediate: boolean): Port {
  let first = 0;
  while (first < candidates.length && !routable(candidates[first]!, dst, immediate)) first++;
  if (first === candidates.length) return candidates[0]!;
  let best = candidates[first]!;
  let bestBytes = best.dataQueuedBytes;
  let ties = 1;
  let s0 = rng.s0;
  let s1 = rng.s1;
  let s2 = rng.s2;
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
      const t = ALEA_MULTIPLIER * s0 + c * ALEA_2_POW_M32;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      if (s2 * ++ties < 1) best = port;
    }
  }
  rng.s0 = s0;
  rng.s1 = s1;
  rng.s2 = s2;
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
