/**
 * Runs one scenario in this (fresh) process and prints one JSON line: the parent spawns a
 * process per run so that peak RSS belongs to that scenario alone.
 *   node --import tsx bench/one.ts --scenario permutation-1024 [--queue heap|typed|radix]
 * --queue picks the event queue (default: the radix one the CLI uses).
 */
import { parseArgs } from 'node:util';
import { HeapEventQueue, RadixEventQueue, TypedEventQueue, usFromPs } from '../src/engine/index.js';
import { resolveFabric, simulateFabric } from '../src/experiment/index.js';
import { alphaBetaCheck } from './alpha-beta-check.js';
import { findScenario, specOf } from './scenarios.js';
import type { RunRecord } from './measure.js';

const { values } = parseArgs({ options: { scenario: { type: 'string' }, queue: { type: 'string' } } });
const queue = values.queue;
if (queue !== undefined && queue !== 'heap' && queue !== 'typed' && queue !== 'radix') throw new Error(`--queue: heap, typed or radix, got ${queue}`);
const scenario = findScenario(values.scenario ?? '');
const spec = specOf(scenario);
const config = resolveFabric(spec.fabrics[0]!);
// Modules loaded, nothing built yet: what the process costs before the fabric exists.
const baseRssKiB = process.resourceUsage().maxRSS;

const cpuBefore = process.cpuUsage();
const run = simulateFabric(spec, config, spec.workload[0], queue === 'heap' ? new HeapEventQueue() : queue === 'typed' ? new TypedEventQueue() : new RadixEventQueue());
const cpu = process.cpuUsage(cpuBefore);
const { net, workload } = run;
const m = net.metrics;
let packetHops = 0;
for (const node of [...net.topology.nics, ...net.topology.switches]) for (const port of node.ports) packetHops += port.dataPacketsTx;
const simTimeUs = usFromPs(workload.finished ? workload.finishedPs : net.sim.nowPs);
const peakRssKiB = process.resourceUsage().maxRSS;
// Peak RSS mostly tracks V8's heap-growth policy (garbage awaiting a major GC); the heap
// after a full GC, with the fabric still reachable, is what the simulation really holds.
globalThis.gc?.();
const liveHeapKiB = Math.round(process.memoryUsage().heapUsed / 1024);
// Physics check at scale: a completed single-channel ring or hierarchical all-reduce against its alpha-beta cost.
const alphaBeta = alphaBetaCheck(net, net.gpus, run.workloadSpec, workload, simTimeUs);
const record: RunRecord = {
  scenario: scenario.name,
  queue: queue ?? 'default',
  gpus: net.gpus,
  bytes: scenario.bytes,
  events: net.sim.events,
  wallMs: Math.round(run.wallMs),
  // CPU time of the run (all threads, GC included): on a shared machine, wall time overstates.
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  buildMs: Math.round(run.buildMs),
  peakRssKiB,
  baseRssKiB,
  liveHeapKiB,
  completed: workload.finished,
  simTimeUs,
  alphaBetaRatio: alphaBeta?.ratio,
  alphaBetaAlgorithm: alphaBeta?.algorithm,
  bytesDelivered: m.bytesDelivered,
  workloadBytes: workload.totalBytes,
  dataPacketsSent: m.dataPacketsSent,
  packetHops,
  retransmits: m.retransmits,
  drops: m.drops,
  timeouts: m.timeouts,
};
process.stdout.write(`${JSON.stringify(record)}\n`);
