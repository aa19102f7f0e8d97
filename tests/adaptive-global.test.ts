import { describe, expect, it } from 'vitest';
import { psFromUs, Simulator } from '../src/engine/index.js';
import { Network, PacketKind, type Port, type Switch } from '../src/fabric/index.js';
import { resolveFabric } from '../src/experiment/index.js';
import type { RoutingPolicy } from '../src/fabric/routing/index.js';
import { runFirst, spec } from './helpers.js';

/**
 * Two leaves, two spines, 2 GPUs per leaf. Spine 0's downlink to leaf 1 is congested
 * (40 packets held by a PAUSE) at 0.3 µs; leaf 0's uplink to spine 1 holds one packet (also
 * paused), so by its own queues alone leaf 0 prefers spine 0. Advertisement every 1 µs,
 * 1 µs per hop: snapshot 1 (taken at 1 µs) is the first to see the congestion and leaf 0,
 * one hop up, sees it from 1 + 1 = 2 µs on. From then leaf 0 must steer to spine 1.
 */
function scene(periodUs: number, delayUs: number, mode: 'notify' | 'least-sum' = 'notify', heldPackets = 40) {
  const s = spec({
    topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 2, spines: 2 },
    fabrics: [{ preset: 'spectrum-x', routing: 'adaptive-global', adaptiveGlobal: { periodUs, delayUs, mode } }],
    workload: { kind: 'permutation', bytes: 4096 },
  });
  const sim = new Simulator();
  const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
  const switches = net.topology.switches as Switch[];
  const leaf0 = switches.find((sw) => sw.name === 'leaf0')!;
  const spines = switches.filter((sw) => sw.tier === 1);
  const routing = (leaf0 as unknown as { routing: RoutingPolicy }).routing;
  const pool = (net as unknown as { ctx: { pool: { take: (...a: unknown[]) => import('../src/fabric/index.js').Packet } } }).ctx.pool;
  const packet = (dst: number) => {
    const p = pool.take(PacketKind.Data, null, 4096 + 82, 4096, 0);
    p.dstHost = dst;
    return p;
  };
  const hold = (port: Port, packets: number) => {
    port.setPaused(true);
    for (let i = 0; i < packets; i++) port.enqueue(packet(2));
  };
  // Spine j's uplink from leaf 0 and its downlink to leaf 1 (GPU 2).
  const up = leaf0.candidatesFor(2);
  const spineOf = (port: Port) => spines.indexOf(port.link.to as Switch);
  const congested = spines[0]!.candidatesFor(2)[0]!;
  sim.at(psFromUs(0.3), { onEvent: () => hold(congested, heldPackets) }, 0);
  hold(up.find((p) => spineOf(p) === 1)!, 1);
  const choices: [number, number][] = [];
  const probe = (tPs: number) =>
    sim.at(tPs, { onEvent: () => choices.push([tPs, spineOf(routing.choose(up, packet(2), leaf0))]) }, 0);
  // Something to keep the fabric busy (the board stops sampling when nothing else is scheduled).
  sim.at(psFromUs(10), { onEvent: () => {} }, 0);
  return { sim, probe, choices };
}

describe('adaptive-global routing', () => {
  it('steers away from a congested downstream port exactly when the advertisement arrives, not before', () => {
    const { sim, probe, choices } = scene(1, 1);
    for (const t of [0, psFromUs(0.5), psFromUs(1.5), psFromUs(2) - 1, psFromUs(2), psFromUs(2.5), psFromUs(5)]) probe(t);
    sim.run();
    expect(choices).toEqual([
      [0, 0],
      [psFromUs(0.5), 0],
      [psFromUs(1.5), 0],
      [psFromUs(2) - 1, 0],
      [psFromUs(2), 1],
      [psFromUs(2.5), 1],
      [psFromUs(5), 1],
    ]);
  });

  it('the notification delay and period set the moment: period 0.5 µs, delay 2 µs ⇒ snapshot at 0.5 µs, seen from 2.5 µs', () => {
    const { sim, probe, choices } = scene(0.5, 2);
    for (const t of [psFromUs(2.5) - 1, psFromUs(2.5)]) probe(t);
    sim.run();
    expect(choices.map(([, s]) => s)).toEqual([0, 1]);
  });

  it('notify (ARN) reacts only at the threshold (150 KB): 30 held packets (125 KB) do not steer; least-sum steers on any difference', () => {
    const below = scene(1, 1, 'notify', 30);
    below.probe(psFromUs(5));
    below.sim.run();
    expect(below.choices.map(([, s]) => s)).toEqual([0]);
    const sum = scene(1, 1, 'least-sum', 2);
    for (const t of [psFromUs(2) - 1, psFromUs(2)]) sum.probe(t);
    sum.sim.run();
    expect(sum.choices.map(([, s]) => s)).toEqual([0, 1]);
  });

  it('same seed, same run: a 64-GPU permutation under adaptive-global is identical twice', () => {
    const s = spec({
      topology: { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 8, spines: 8 },
      fabrics: [{ preset: 'spectrum-x', routing: 'adaptive-global' }],
      workload: { kind: 'permutation', bytes: 65536 },
    });
    const a = runFirst(s);
    const b = runFirst(s);
    expect(a.completed).toBe(true);
    expect(JSON.stringify(a)).toEqual(JSON.stringify({ ...b, wallMs: a.wallMs }));
  });
});
