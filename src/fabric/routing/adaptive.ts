import { rngStream, type Rng } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, routable, type RoutingPolicy } from './routing-policy.js';

/**
 * The routable candidate (routing-policy.ts; `immediate`: dead ports skipped at once) with
 * the fewest data bytes queued; ties broken by the seeded RNG. None routable: the first.
 */
export function leastLoaded(candidates: readonly Port[], rng: Rng, dst: number, immediate: boolean): Port {
  let first = 0;
  while (first < candidates.length && !routable(candidates[first]!, dst, immediate)) first++;
  if (first === candidates.length) return candidates[0]!;
  let best = candidates[first]!;
  let bestBytes = best.dataQueuedBytes;
  let ties = 1;
  for (let i = first + 1; i < candidates.length; i++) {
    const port = candidates[i]!;
    if (!routable(port, dst, immediate)) continue;
    const bytes = port.dataQueuedBytes;
    if (bytes < bestBytes) {
      best = port;
      bestBytes = bytes;
      ties = 1;
    } else if (bytes === bestBytes && rng.int(++ties) === 0) {
      best = port; // reservoir sampling: each tied port equally likely
    }
  }
  return best;
}

/**
 * Spectrum-X-style adaptive routing: every packet goes out of the equal-cost port whose
 * egress queue holds the fewest bytes. The view is local: a leaf cannot see the spine's
 * downlink queues, which is what keeps it below ideal balance at full load.
 */
export class AdaptiveRouting implements RoutingPolicy {
  constructor(private readonly rng: Rng) {}

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
