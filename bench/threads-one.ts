/**
 * Runs one bench scenario with the parallel engine on N threads in this (fresh) process and
 * prints one JSON line (peak RSS then belongs to that run alone).
 *   node --import tsx bench/threads-one.ts --scenario htsim-permutation-1024 --threads 2
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runOnThreads } from '../src/experiment/threads/threads-run.js';
import { threadsProblem } from '../src/experiment/threads/threads-support.js';
import { findScenario, threadsSpecOf } from './scenarios.js';

const { values } = parseArgs({ options: { scenario: { type: 'string' }, threads: { type: 'string' } } });
const scenario = findScenario(values.scenario ?? '');
const threads = Number(values.threads ?? '1');
const spec = threadsSpecOf(scenario);
const problem = threadsProblem(spec, { threads });
if (problem !== null) throw new Error(`${scenario.name}: ${problem}`);
const started = performance.now();
const parts = await runOnThreads(spec, 0, threads);
const wallMs = performance.now() - started;
const row = mergeParts(spec, 0, parts, wallMs);
const events = parts.map((p) => p.stats.events);
const meanEvents = events.reduce((a, b) => a + b, 0) / events.length;
process.stdout.write(
  `${JSON.stringify({
    scenario: scenario.name,
    threads,
    gpus: scenario.gpus,
    events: row.events,
    completed: row.completed,
    completionUs: row.completionUs,
    wallMs: Math.round(wallMs),
    // Per thread: its own CPU time (process.cpuUsage in a worker is the thread's), events, time at barriers.
    cpuMs: parts.map((p) => Math.round(p.stats.cpuMs)),
    buildMs: parts.map((p) => Math.round(p.stats.buildMs)),
    runMs: parts.map((p) => Math.round(p.stats.runMs)),
    barrierMs: parts.map((p) => Math.round(p.stats.barrierMs)),
    threadEvents: events,
    windows: parts[0]!.stats.windows,
    cutLinks: parts[0]!.stats.cutLinks,
    // Imbalance: the busiest thread's events over the mean (1 = even).
    imbalance: Math.max(...events) / meanEvents,
    peakRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);
