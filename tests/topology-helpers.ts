import { Simulator } from '../src/engine/index.js';
import { Network, type Port } from '../src/fabric/index.js';
import { resolveFabric, validateSpec, type ExperimentSpec } from '../src/experiment/index.js';

/** A validated spec around `topology` (its workload is a placeholder the caller may replace). */
export const topoSpec = (topology: Record<string, unknown>, fabric: unknown = 'ethernet', workload: unknown = { kind: 'permutation', bytes: 4096 }): ExperimentSpec =>
  validateSpec({ name: 'topology', seed: 1, fabrics: [fabric], topology, workload });

/** A network built from a topology document, in a fresh simulator. */
export function build(topology: Record<string, unknown>, fabric: unknown = 'ethernet') {
  const spec = topoSpec(topology, fabric);
  const sim = new Simulator();
  const net = new Network(sim, spec.topology, resolveFabric(spec.fabrics[0]!), spec.seed);
  return { sim, net, spec };
}

/** Every egress port: each NIC's ports, then each switch's. */
export function allPorts(net: Network): Port[] {
  return [...net.topology.nics.flatMap((n) => n.ports), ...net.topology.switches.flatMap((s) => s.ports)];
}

/**
 * Sends one message of `bytes` (≤ one MTU) from `src` to `dst` on an idle network and runs
 * it to the end: how long it took from posting to delivery, and the ports its data frame
 * left by (each carried exactly one frame of that size; ACKs are smaller and go the other way).
 */
export function probe(sim: Simulator, net: Network, ports: Port[], src: number, dst: number, bytes: number) {
  const before = ports.map((p) => p.txBytes);
  const postedPs = sim.nowPs;
  let deliveredPs = -1;
  net.send(net.openFlow(src, dst), bytes, (t) => (deliveredPs = t));
  sim.run({ maxEvents: sim.events + 10_000 }); // a routing loop fails the probe instead of spinning
  const frame = bytes + net.config.headerBytes;
  const dataPorts = ports.filter((p, i) => p.txBytes - before[i]! === frame);
  return { tookPs: deliveredPs < 0 ? -1 : deliveredPs - postedPs, dataPorts };
}

/** `count` seeded pseudo-random distinct (src, dst) pairs of `gpus` GPUs, plus given ones. */
export function samplePairs(gpus: number, count: number, extra: [number, number][] = []): [number, number][] {
  let x = 12345;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % gpus;
  const pairs = [...extra];
  while (pairs.length < count + extra.length) {
    const src = next();
    const dst = next();
    if (src !== dst) pairs.push([src, dst]);
  }
  return pairs;
}

export const allPairs = (gpus: number): [number, number][] =>
  Array.from({ length: gpus * gpus }, (_, i): [number, number] => [Math.floor(i / gpus), i % gpus]).filter(([a, b]) => a !== b);
