/**
 * Runs a bench scenario's first N events in this process (default engine) and prints events,
 * simulated time and CPU s: a profile of a long run's steady state without running it all.
 * tsx emits each module on one line, so a --cpu-prof of it cannot name a line; bundle first:
 *   npx esbuild bench/capped-run.ts --bundle --platform=node --format=cjs --outfile=/tmp/capped.cjs
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/capped.cjs htsim-permutation-8192 25000000
 */
import { RadixEventQueue } from '../src/engine/index.js';
import { resolveFabric, simulateFabric } from '../src/experiment/index.js';
import { validateSpec } from '../src/experiment/load-spec.js';
import { findScenario, specOf } from './scenarios.js';

const name = process.argv[2] ?? 'htsim-permutation-8192';
const maxEvents = Number(process.argv[3] ?? 25e6);
const spec = validateSpec({ ...JSON.parse(JSON.stringify(specOf(findScenario(name)))), limits: { maxEvents } });
const before = process.cpuUsage();
const run = simulateFabric(spec, resolveFabric(spec.fabrics[0]!), spec.workload[0], new RadixEventQueue());
const cpu = process.cpuUsage(before);
process.stdout.write(`${JSON.stringify({ scenario: name, events: run.net.sim.events, nowPs: run.net.sim.nowPs, cpuS: (cpu.user + cpu.system) / 1e6 })}\n`);
