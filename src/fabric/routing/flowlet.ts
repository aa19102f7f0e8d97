import { psFromUs, rngStream, type AleaRng, type Simulator } from '../../engine/index.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { leastLoaded } from './adaptive.js';
import { defineRouting, routable, type RoutingPolicy, type RoutingSwitch } from './routing-policy.js';

interface Flowlet {
  port: Port;
  lastSeenPs: number;
}

/**
 * Flowlet switching: a flow keeps its port while its packets come close together; after
 * an idle gap longer than `gapPs` (in-flight packets have drained, so no reordering) it
 * may move to the least-loaded port.
 */
export class FlowletRouting implements RoutingPolicy {
  private readonly tables = new Map<RoutingSwitch, Map<number, Flowlet>>();

  constructor(
    private readonly sim: Simulator,
    private readonly gapPs: number,
    private readonly rng: AleaRng,
  ) {}

  choose(candidates: readonly Port[], packet: Packet, sw: RoutingSwitch): Port {
    let table = this.tables.get(sw);
    if (!table) this.tables.set(sw, (table = new Map()));
    const now = this.sim.nowPs;
    const entry = table.get(packet.hash);
    // A flowlet keeps a dead port until routing reconverges (ECMP family), then moves.
    if (entry && now - entry.lastSeenPs <= this.gapPs && routable(entry.port, packet.dstHost, false)) {
      entry.lastSeenPs = now;
      return entry.port;
    }
    const port = leastLoaded(candidates, this.rng, packet.dstHost, false);
    if (entry) {
      entry.port = port;
      entry.lastSeenPs = now;
    } else table.set(packet.hash, { port, lastSeenPs: now });
    return port;
  }
}

export const flowlet = defineRouting<'flowlet', {
  /** Idle gap after which a flowlet may take a new path. */
  flowletGapUs: number;
}>({
  name: 'flowlet',
  flowModel: 'even-split',
  overrides: (checked) => ({ flowletGapUs: checked.timerUs.optional() }),
  defaults: { flowletGapUs: 5 },
  create: ({ config, sim, seed }) => new FlowletRouting(sim, psFromUs(config.flowletGapUs), rngStream(seed, 'routing/flowlet')),
});
