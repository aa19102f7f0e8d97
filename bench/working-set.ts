/**
 * Why a packet run's cost per event grows with the buffer: the run in windows of events, with
 * each window's CPU µs per event and how many ports sent a frame in it (the fabric state the
 * window touched). The README's 32,768-GPU target spec (rail-optimized radix 64, 3 tiers,
 * spectrum-x, hierarchical all-reduce with a tree across nodes, slots unlimited) at any size:
 *   npx esbuild bench/working-set.ts --bundle --platform=node --format=esm --packages=external --outfile=.bench-bundle/working-set.mjs
 *   node .bench-bundle/working-set.mjs --gpus 8192 --bytes 32MiB [--window 10000000]
 * (bundled as the CLI is: tsx's loader adds 12–20% CPU). CPU time is the process's: on a busy
 * machine compare windows of one run, not runs.
 */
import { parseArgs } from 'node:util';
import { buildFabric, resolveFabric } from '../src/experiment/index.js';
import { validateSpec } from '../src/experiment/load-spec.js';

const { values } = parseArgs({ options: { gpus: { type: 'string' }, bytes: { type: 'string' }, window: { type: 'string' } } });
const gpus = Number(values.gpus ?? 8192);
const windowEvents = Number(values.window ?? 10e6);
const spec = validateSpec({
  name: 'working-set',
  seed: 1,
  topology: { kind: 'rail-optimized', radix: 64, tiers: 3, gpus, linkGbps: 400, linkDelayNs: 500 },
  fabrics: ['spectrum-x'],
  workload: { kind: 'allreduce', algorithm: 'hierarchical', interNode: 'tree', slots: 'unlimited', bytes: values.bytes ?? '32MiB' },
});
const { sim, net } = buildFabric(spec, resolveFabric(spec.fabrics[0]!));
const ports = [...net.topology.nics, ...net.topology.switches].flatMap((node) => node.ports);
const txBefore = new Float64Array(ports.length);
process.stdout.write(`${ports.length} ports\nevents\tsim µs\tCPU µs/event\tports that sent\n`);
for (let stop = 'max-events'; stop === 'max-events'; ) {
  const eventsBefore = sim.events;
  const cpuBefore = process.cpuUsage();
  stop = sim.run({ maxEvents: sim.events + windowEvents });
  const cpu = process.cpuUsage(cpuBefore);
  let active = 0;
  ports.forEach((port, i) => {
    if (port.txBytes !== txBefore[i]) active++;
    txBefore[i] = port.txBytes;
  });
  const usPerEvent = (cpu.user + cpu.system) / (sim.events - eventsBefore);
  process.stdout.write(`${sim.events}\t${(sim.nowPs / 1e6).toFixed(1)}\t${usPerEvent.toFixed(2)}\t${active}\n`);
}
