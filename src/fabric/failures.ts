import { psFromUs, rngStream, shuffle, type EventTarget, type Simulator } from '../engine/index.js';
import type { FabricMetrics } from './metrics.js';
import { PacketKind, type Packet, type PacketPool } from './packet.js';
import type { Port } from './port.js';
import type { Topology } from './topology/index.js';

/**
 * Default time from a failure to ECMP-family routing excluding the dead next hop: 10 ms.
 * RFC 7938 §7 (BGP in large data centers) argues sub-second convergence with fast fallover
 * on link-down; tuned BGP with BFD reaches "below a few tens of milliseconds" end to end
 * (ipSpace.net, "Controlling BGP Convergence Time"). 10 ms is the optimistic end of that,
 * not a measured figure; a spec sets its own with `routingReconvergeUs`.
 */
export const DEFAULT_ROUTING_RECONVERGE_US = 10_000;

export type FailureState = 'down' | 'up' | 'degraded';

/** One failure event as a spec states it (validated by experiment/failures-schema.ts). */
export type FailureEvent = { atUs: number; state: FailureState; rateGbps?: number } & (
  | { link: { tier: string; switch: number; port: number } }
  | { switch: { tier: string; index: number } }
  | { random: { tier: string; linksPercent: number } }
);

/** Both ends of one cable. */
interface Cable {
  readonly a: Port;
  readonly b: Port;
  readonly gbps: number;
}

const peerOf = (port: Port): Port => (port.link.to as unknown as { ports: Port[] }).ports[port.link.toPort]!;
const cableOf = (port: Port): Cable => ({ a: port, b: peerOf(port), gbps: port.nominalRateGbps });

/** The cables an event names: one link, every link of a switch, or a seeded random share of a tier's links. */
export function cablesOf(topology: Topology, event: FailureEvent, seed: number, eventIndex: number): Cable[] {
  const switchesOf = (tierName: string) => topology.switches.filter((sw) => topology.tierNames[sw.tier] === tierName);
  if ('link' in event) return [cableOf(switchesOf(event.link.tier)[event.link.switch]!.ports[event.link.port]!)];
  if ('switch' in event) return switchesOf(event.switch.tier)[event.switch.index]!.ports.map(cableOf);
  const ports = switchesOf(event.random.tier).flatMap((sw) => sw.ports);
  // round(share × links), a seeded choice per event (its own stream, so other randomness is untouched).
  const count = Math.round((event.random.linksPercent / 100) * ports.length);
  return shuffle(ports, rngStream(seed, `failures/${eventIndex}`)).slice(0, count).map(cableOf);
}

/**
 * Link and switch failures on the packet model. A dead link (both directions) loses what is
 * on the wire and whatever its ports put on it, queued packets included as they drain at
 * line rate (counted in failureDrops and in the dropped data, so sent = arrived + dropped);
 * ports stop being paused. Adaptive policies see `down` at once; ECMP-family routing sees
 * it `reconvergePs` later (`routeDown`), and from then on every switch checks that its
 * next hop still reaches the destination (`checkOnward`). A degraded link serializes at
 * its new rate in both directions; `up` restores the cable's original rate. An event at
 * 0 µs is the fabric as the run finds it: applied before anything is sent, with routing
 * already reconverged around it (a link broken before the job started).
 */
export class Failures implements EventTarget {
  private readonly actions: { cables: Cable[]; state: FailureState; rateGbps?: number }[] = [];
  private readonly allPorts: Port[];

  constructor(
    private readonly sim: Simulator,
    topology: Topology,
    events: readonly FailureEvent[],
    private readonly reconvergePs: number,
    private readonly metrics: FabricMetrics,
    private readonly pool: PacketPool,
    seed: number,
    /**
     * Runs what wakes a port (under `--threads`: only on the port's own thread, as its node's
     * event, so what it schedules is keyed and counted there; the others' queues and pauses
     * live on another thread).
     */
    private readonly asOwnerOf: (port: Port, action: () => void) => void = (_, action) => action(),
  ) {
    this.allPorts = topology.switches.flatMap((sw) => sw.ports);
    const lose = (packet: Packet) => this.lose(packet);
    events.forEach((event, i) => {
      const cables = cablesOf(topology, event, seed, i);
      for (const { a, b } of cables) a.link.lose = b.link.lose = lose;
      this.actions.push({ cables, state: event.state, rateGbps: event.rateGbps });
      // At 0 the fabric starts so: applied before anything is sent, routing already around it.
      if (event.atUs === 0) {
        this.change(i);
        this.reconverge(cables);
      } else sim.at(psFromUs(event.atUs), this, i);
    });
  }

  private lose(packet: Packet): void {
    if (packet.kind === PacketKind.Data) {
      const m = this.metrics;
      m.failureDrops++;
      m.dataPacketsDropped++;
      m.dataBytesDropped += packet.payloadBytes;
    }
    this.pool.release(packet);
  }

  /** kind ≥ 0: apply event `kind`; kind < 0: routing reconverges for event -kind-1. */
  onEvent(kind: number): void {
    if (kind < 0) return this.reconverge(this.actions[-kind - 1]!.cables);
    this.change(kind);
    this.sim.at(this.sim.nowPs + this.reconvergePs, this, -kind - 1);
  }

  private change(i: number): void {
    const { cables, state, rateGbps } = this.actions[i]!;
    for (const cable of cables) for (const port of [cable.a, cable.b]) this.apply(port, state, state === 'degraded' ? rateGbps! : cable.gbps);
  }

  /** Every replica marks ports and links (its copy of a link may hold the wire); only the port's own thread wakes it. */
  private apply(port: Port, state: FailureState, rateGbps: number): void {
    const down = state === 'down';
    port.down = down;
    if (down) {
      port.link.fail();
      this.asOwnerOf(port, () => port.setPaused(false));
    } else {
      port.link.down = false;
      port.rateGbps = rateGbps;
      this.asOwnerOf(port, () => port.kick());
    }
  }

  /** Routing has learnt the state the cables are in now. */
  private reconverge(cables: Cable[]): void {
    for (const { a, b } of cables) {
      a.routeDown = a.down;
      b.routeDown = b.down;
    }
    for (const port of this.allPorts) port.checkOnward = true;
  }
}
