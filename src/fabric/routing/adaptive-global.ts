import { z } from 'zod';
import { psFromUs, rngStream, type Rng, type Simulator } from '../../engine/index.js';
import { LoadBoard } from '../load-board.js';
import type { Packet } from '../packet.js';
import type { Port } from '../port.js';
import { defineRouting, routable, type RoutingPolicy, type RoutingSwitch } from './routing-policy.js';

/** A switch as adaptive-global sees it: its candidates and its ports (to advertise). */
export interface AdvertisingSwitch extends RoutingSwitch {
  readonly ports: readonly Port[];
}

/** How far down a chain of single next hops a switch looks (leaf→spine→core→spine→leaf: 3 beyond the first). */
const MAX_HOPS = 4;

const isRoutingSwitch = (node: unknown): node is RoutingSwitch =>
  typeof (node as RoutingSwitch | null)?.candidatesFor === 'function';

/**
 * Global congestion-aware adaptive routing, as published descriptions have it (IETF
 * draft-xu-lsr-fare: switches advertise path load and upstream switches weight their
 * equal-cost next hops by it; NVIDIA InfiniBand ARN: a switch notifies its neighbours
 * when its ports towards a destination are congested; Mellanox's 2023 "global
 * bandwidth-aware adaptive routing" application: routing protocols carry bandwidth
 * changes to modify adaptive routing). What the next switch advertises for a destination
 * is its queue on the way on, sampled by the LoadBoard every `periodPs` and seen `delayPs`
 * per hop later. Two modes: `notify` (ARN, the default): a port whose advertised load is at
 * least `thresholdBytes` is congested and avoided while another is not; among the rest,
 * the least local queue wins (as local adaptive routing). `least-sum`: the least local
 * queue + advertised load wins (every switch argmins the same stale table, so it herds). Where the next switch has one way on,
 * the switch after it is added too (its own advertisement, one more delay old); where it
 * has several, the least of them (it will pick for itself).
 */
export class AdaptiveGlobalRouting implements RoutingPolicy {
  readonly board: LoadBoard;
  /** Per candidate set (e.g. a spine's uplinks): the least advertised queue, for one visible snapshot. */
  private readonly minCache = new Map<readonly Port[], { stamp: number; snapshots: number; bytes: number }>();

  constructor(
    private readonly sim: Simulator,
    periodPs: number,
    delayPs: number,
    private readonly rng: Rng,
    /** notify mode (ARN): advertised bytes at which a next switch counts as congested; undefined: least-sum mode. */
    private readonly thresholdBytes?: number,
  ) {
    this.board = new LoadBoard(sim, periodPs, delayPs, MAX_HOPS);
  }

  /** The fabric's switches, once built: their ports are what gets advertised. */
  attach(switches: readonly AdvertisingSwitch[]): void {
    for (const sw of switches) this.board.advertise(sw.ports);
    this.board.arm();
  }

  choose(candidates: readonly Port[], packet: Packet): Port {
    this.board.arm();
    const dst = packet.dstHost;
    const notify = this.thresholdBytes !== undefined;
    let best = candidates[0]!;
    let bestBytes = Infinity;
    let bestCongested = true;
    let ties = 0;
    for (let i = 0; i < candidates.length; i++) {
      const port = candidates[i]!;
      if (!routable(port, dst, true)) continue; // dead ports skipped at once (none routable: the first)
      const remote = this.downstream(port, dst, 1);
      // notify: a port whose next switch reports congestion is avoided while any other is not (ARN).
      const congested = notify && remote >= this.thresholdBytes;
      const bytes = notify ? port.dataQueuedBytes : port.dataQueuedBytes + remote;
      if (bestCongested !== congested ? !congested : bytes < bestBytes) {
        best = port;
        bestBytes = bytes;
        bestCongested = congested;
        ties = 1;
      } else if (bestCongested === congested && bytes === bestBytes && this.rng.int(++ties) === 0) best = port; // reservoir: ties equally likely
    }
    return best;
  }

  /** What the switch at the far end of `port` advertises towards `dst`, seen `hops` hops upstream. */
  private downstream(port: Port, dst: number, hops: number): number {
    const next = port.link.to;
    if (hops > MAX_HOPS || !isRoutingSwitch(next)) return 0;
    const onward = next.candidatesFor(dst);
    if (onward.length === 1) {
      const p = onward[0]!;
      return this.board.read(p, hops) + this.downstream(p, dst, hops + 1);
    }
    return this.leastAdvertised(onward, hops);
  }

  private leastAdvertised(ports: readonly Port[], hops: number): number {
    // The visible snapshot is fixed by (time slot, hops) and which snapshots exist.
    const stamp = Math.floor((this.sim.nowPs - hops * this.board.delayPs) / this.board.periodPs) * (MAX_HOPS + 1) + hops;
    const snapshots = this.board.snapshots;
    const cached = this.minCache.get(ports);
    if (cached !== undefined && cached.stamp === stamp && cached.snapshots === snapshots) return cached.bytes;
    let least = Infinity;
    for (const p of ports) least = Math.min(least, this.board.read(p, hops));
    if (cached !== undefined) {
      cached.stamp = stamp;
      cached.snapshots = snapshots;
      cached.bytes = least;
    } else this.minCache.set(ports, { stamp, snapshots, bytes: least });
    return least;
  }
}

/** adaptive-global routing: how switches advertise their queues upstream (see README "adaptive-global"). */
export interface AdaptiveGlobalParams {
  /** A switch samples and advertises its egress queues every this often. */
  periodUs: number;
  /** A sample reaches the switch one hop upstream this long after it was taken (per hop). */
  delayUs: number;
  /** notify: avoid ports whose next switch advertises ≥ thresholdBytes (ARN); least-sum: least local + advertised bytes. */
  mode: 'notify' | 'least-sum';
  thresholdBytes: number;
}

export const adaptiveGlobal = defineRouting<'adaptive-global', { adaptiveGlobal: AdaptiveGlobalParams }>({
  name: 'adaptive-global',
  flowModel: 'even-split',
  seesDeadPortsAtOnce: true,
  overrides: (checked) => ({
    adaptiveGlobal: z
      .strictObject({ periodUs: checked.timerUs.optional(), delayUs: checked.intervalUs.optional(), mode: z.enum(['notify', 'least-sum']).optional(), thresholdBytes: checked.size.optional() })
      .optional(),
  }),
  // Not published (FARE, ARN and the Mellanox application give no timings); see README "adaptive-global".
  defaults: { adaptiveGlobal: { periodUs: 1, delayUs: 1, mode: 'notify', thresholdBytes: 150 * 1000 } },
  create: ({ config: { adaptiveGlobal: p }, sim, seed }) =>
    new AdaptiveGlobalRouting(sim, psFromUs(p.periodUs), psFromUs(p.delayUs), rngStream(seed, 'routing/adaptive-global'), p.mode === 'notify' ? p.thresholdBytes : undefined),
});
