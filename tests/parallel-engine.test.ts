import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-helpers.js';
import { describe, expect, it } from 'vitest';
import { KeyedEventQueue } from '../src/engine/parallel/keyed-event-queue.js';
import { Simulator, type EventTarget } from '../src/engine/index.js';
import { validateSpec } from '../src/experiment/load-spec.js';
import { createWorkload } from '../src/experiment/create-workload.js';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runPartsInOneThread, type PartResult } from '../src/experiment/threads/run-part.js';
import { threadsProblem } from '../src/experiment/threads/threads-support.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';
import type { Transfers } from '../src/workloads/index.js';

/** A fat-tree of radix 4: 16 hosts, 2 per leaf, 4 per pod; 1 µs links. */
const FAT_TREE = { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 };

const spec = (fabric: unknown, workload: unknown, topology: unknown = FAT_TREE): ExperimentSpec =>
  validateSpec({ name: 'parallel', seed: 7, topology, fabrics: [fabric], workload });

/** The row of run 0 with `parts` parts (in one thread, lockstep windows), wallMs zeroed. */
const row = (s: ExperimentSpec, parts: number, results: PartResult[] = runPartsInOneThread(s, 0, parts)) =>
  JSON.stringify({ ...mergeParts(s, 0, results, 0), wallMs: 0 });

describe('keyed event queue: ties do not depend on who runs where', () => {
  it("orders equal times by the scheduling node, then that node's own counter, not by insertion", () => {
    const queue = new KeyedEventQueue();
    queue.configure(4, 3);
    const log: string[] = [];
    const target = (name: string): EventTarget => ({ onEvent: (kind) => log.push(`${name}${kind}`) });
    // Scheduled before the run: keyed by the setup node (3); node 2's events and node 1's come from "other threads" with their keys.
    const sim = new Simulator(queue);
    sim.at(10, target('s'), 0);
    queue.pushKeyed(10, target('b'), 1, undefined, 2 * 2 ** 32 + 5, 0);
    queue.pushKeyed(10, target('a'), 0, undefined, 1 * 2 ** 32 + 9, 0);
    queue.pushKeyed(10, target('b'), 0, undefined, 2 * 2 ** 32 + 4, 0);
    sim.run();
    expect(log).toEqual(['a0', 'b0', 'b1', 's0']);
  });

  it('an event runs on the node it was pushed for, or else on the node that scheduled it, and keys what it schedules by that node', () => {
    const queue = new KeyedEventQueue();
    queue.configure(3, 2);
    const sim = new Simulator(queue);
    const keys: number[] = [];
    const inherit: EventTarget = { onEvent: () => keys.push(queue.takeKey()) };
    const onNode1: EventTarget = { onEvent: () => sim.schedule(5, inherit, 0) };
    // As a link pushes an arrival for its far end (Link.arrive): node 1, with a key node 2 took.
    queue.pushKeyed(1, onNode1, 0, undefined, queue.takeKey(), 1);
    sim.run();
    // onNode1 ran on node 1, so `inherit` was keyed by node 1 (its counter 0) and ran there too: its next key is node 1's counter 1.
    expect(keys).toEqual([1 * 2 ** 32 + 1]);
  });
});

describe('a run split over parts: byte-identical rows for 1, 2 and 4 parts', () => {
  it("ethernet, permutation on a fat-tree, with every message's FCT (--flows) from the thread that delivered it", () => {
    const s = spec('ethernet', { kind: 'permutation', bytes: '64KiB' });
    const one = row(s, 1, runPartsInOneThread(s, 0, 1, { flows: true }));
    expect(row(s, 2, runPartsInOneThread(s, 0, 2, { flows: true }))).toBe(one);
    expect(row(s, 4, runPartsInOneThread(s, 0, 4, { flows: true }))).toBe(one);
    const r = JSON.parse(one);
    expect(r.completed).toBe(true);
    expect(r.flows).toHaveLength(16);
    expect(r.flows.every((f: { fctUs: number | null }) => f.fctUs !== null)).toBe(true);
    // The slowest message is the workload's completion.
    expect(Math.max(...r.flows.map((f: { fctUs: number }) => f.fctUs))).toBeCloseTo(r.completionUs, 3);
  });

  it('roce, incast that pauses (PFC-heavy, ECN marks and CNPs)', () => {
    // ECN ramp inside the buffer, marking with probability < 1: each switch draws from its own stream.
    const roce = { preset: 'roce', bufferBytesPerPort: '64KiB', ecn: { enabled: true, kminBytes: 8000, kmaxBytes: 48000, pmax: 0.2 } };
    const s = spec(roce, { kind: 'incast', target: 0, senders: 12, bytes: '128KiB' });
    const one = row(s, 1);
    const r = JSON.parse(one);
    expect(r.pfcPauses).toBeGreaterThan(0);
    expect(r.ecnMarks).toBeGreaterThan(0);
    expect(r.cnps).toBeGreaterThan(0);
    expect(r.completed).toBe(true);
    expect(row(s, 2)).toBe(one);
    expect(row(s, 4)).toBe(one);
  });

  it('spectrum-x (adaptive routing ties drawn per switch), permutation', () => {
    const s = spec('spectrum-x', { kind: 'permutation', bytes: '64KiB' });
    const one = row(s, 1);
    expect(row(s, 2)).toBe(one);
    expect(row(s, 4)).toBe(one);
  });

  it('spectrum-x on a rail-optimized fabric with NVLink frame by frame (4 parts cut NVLink links: lookahead 300 ns)', () => {
    const rail = { kind: 'rail-optimized', gpus: 32, gpusPerNode: 4, radix: 8, nvlinkModel: 'packet' };
    const s = spec('spectrum-x', { kind: 'permutation', bytes: '64KiB' }, rail);
    const four = runPartsInOneThread(s, 0, 4);
    expect(four[0]!.stats.lookaheadPs).toBe(300_000);
    const one = row(s, 1);
    expect(row(s, 2)).toBe(one);
    expect(row(s, 4, four)).toBe(one);
    // NVLink per message keeps servers whole: 2 server groups (of 4 servers) make at most 2 threads.
    const perMessage = spec('spectrum-x', { kind: 'permutation', bytes: '64KiB' }, { ...rail, nvlinkModel: 'message' });
    expect(threadsProblem(perMessage, { threads: 4 })).toMatch(/NVLink per message needs whole servers on each thread: 4 threads need at least 4 server groups .* has 2/);
    expect(threadsProblem(perMessage, { threads: 2 })).toBeNull();
  });

  it('roce, a connection matrix with staggered starts (the workload events run in every thread, counted once)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabsim-threads-cm-'));
    const lines = ['0->15 id 1 start 0 size 60000', '0->9 id 2 start 2000000 size 40000', '5->15 id 3 start 1500000 size 50000', '12->3 id 4 start 2500000 size 30000', '9->0 id 5 start 0 size 20000'];
    writeFileSync(join(dir, 'm.cm'), `Nodes 16\nConnections ${lines.length}\n${lines.join('\n')}\n`);
    const s = spec('roce', { kind: 'matrix', file: join(dir, 'm.cm') });
    const one = row(s, 1, runPartsInOneThread(s, 0, 1, { flows: true }));
    expect(row(s, 2, runPartsInOneThread(s, 0, 2, { flows: true }))).toBe(one);
    expect(row(s, 4, runPartsInOneThread(s, 0, 4, { flows: true }))).toBe(one);
    const r = JSON.parse(one);
    expect(r.completed).toBe(true);
    expect(r.flows.map((f: { startUs: number }) => f.startUs)).toEqual([0, 2, 1.5, 2.5, 0]);
    writeFileSync(join(dir, 't.cm'), 'Nodes 16\nConnections 2\nTriggers 1\n0->1 id 1 start 0 size 1000 send_done_trigger 1\n2->3 id 2 trigger 1 size 1000\ntrigger id 1 oneshot\n');
    expect(threadsProblem(spec('roce', { kind: 'matrix', file: join(dir, 't.cm') }))).toMatch(/triggers/);
  });

  it('conservation across the cut: every data packet sent arrived or was dropped (lossy incast with drops, 4 parts)', () => {
    const s = spec({ preset: 'ethernet', bufferBytesPerPort: '32KiB' }, { kind: 'incast', target: 0, senders: 12, bytes: '64KiB' });
    const parts = runPartsInOneThread(s, 0, 4);
    const sum = (key: string) => parts.reduce((total, p) => total + (p.metrics[key] as number), 0);
    expect(sum('dataPacketsDropped')).toBeGreaterThan(0);
    expect(sum('dataPacketsSent')).toBe(sum('dataPacketsArrived') + sum('dataPacketsDropped'));
    expect(sum('dataBytesSent')).toBe(sum('dataBytesArrived') + sum('dataBytesDropped'));
    // Every message delivered once, all its bytes: 12 × 64 KiB.
    expect(sum('bytesDelivered')).toBe(12 * 64 * 1024);
    expect(parts.some((p) => p.stats.packetsIn > 0)).toBe(true);
  });

  it('algorithm auto: the same pick and row on 1, 2 and 4 parts (ring at 16 MiB; tree with clear-to-sends at 64 KiB)', () => {
    for (const workload of [
      { kind: 'allreduce', algorithm: 'auto', bytes: '16MiB' },
      { kind: 'allreduce', algorithm: 'auto', bytes: '64KiB', slotCredits: 'cts' },
    ]) {
      const s = spec('ethernet', workload);
      const one = row(s, 1);
      expect(row(s, 2)).toBe(one);
      expect(row(s, 4)).toBe(one);
      expect(JSON.parse(one).completed).toBe(true);
    }
  });
});

describe('closed form: one message alone, across pods and threads', () => {
  it('its completion = 6 hops × (serialization + propagation) + (packets − 1) × serialization', () => {
    // 1 sender to GPU 0; mtu 4000 + 64 B of header: 4064 B × 8 / 100 Gb/s = 325,120 ps a frame.
    const fabric = { preset: 'ethernet', mtuBytes: 4000, headerBytes: 64 };
    const workload = { kind: 'incast', target: 0, senders: 1, bytes: 8 * 4000 };
    const s = spec(fabric, workload);
    const src = (createWorkload(s.workload[0]!, 16, s.seed) as Transfers).transfers[0]!.src;
    const hops = src < 2 ? 2 : src < 4 ? 4 : 6; // same leaf, same pod, other pod
    const frameTxPs = (4064 * 8 * 1000) / 100;
    const expectedPs = hops * (frameTxPs + 1_000_000) + 7 * frameTxPs;
    const r = JSON.parse(row(s, 2));
    expect(r.completionUs).toBeCloseTo(expectedPs / 1e6, 3);
    expect(r.bytesDelivered).toBe(32_000);
  });
});


describe('fabsim run --threads N', () => {
  it('prints the same JSON on 1 and on 2 worker threads, wallMs apart, time series included, with its runs one after another or at once (--jobs), and writes the report (roce incast that pauses; a ring all-reduce, its deliveries replayed across threads)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabsim-threads-'));
    const file = join(dir, 'p.yaml');
    const workloads = '[{ kind: incast, target: 0, senders: 8, bytes: 64KiB }, { kind: allreduce, algorithm: ring, bytes: 64KiB }]';
    writeFileSync(file, `name: p\nseed: 2\ntopology: { kind: fat-tree, radix: 4, linkGbps: 100 }\nfabrics: [{ preset: roce, bufferBytesPerPort: 64KiB }]\nworkload: ${workloads}\n`);
    const out = join(dir, 'out');
    // Its two runs at once on 1 thread each (--jobs 2), or one after another on 2 threads each.
    const [one, two] = await Promise.all([['1', '--jobs', '2'], ['2', '--out', out]].map(([n, ...rest]) => cli('run', file, '--json', '--threads', n!, ...rest)));
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const withoutWallMs = (json: string) => JSON.stringify(JSON.parse(json, (key, value) => (key === 'wallMs' ? 0 : value)));
    expect(withoutWallMs(two.stdout)).toBe(withoutWallMs(one.stdout));
    const rows = JSON.parse(one.stdout).results;
    expect(rows[0].pfcPauses).toBeGreaterThan(0);
    expect(rows[1].completed).toBe(true);
    expect(Math.max(...rows[0].detail.timeSeries.pfcPausedFraction)).toBeGreaterThan(0);
    expect(withoutWallMs(readFileSync(join(out, 'result.json'), 'utf8'))).toBe(withoutWallMs(two.stdout));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/data-chart="time-series"/);
    expect(two.stderr).toMatch(/on 2 threads \(\d+ events; per thread \d+\/\d+ events/);
  }, 180_000); // two CLI runs with worker threads: 26 s measured at load ~14
});

describe('outside the subset: one line, never a wrong answer', () => {
  it('names what it does not support', () => {
    const job = { name: 'j', ranks: 4, collectives: [{ kind: 'allreduce', bytes: '1MiB' }, { kind: 'allgather', bytes: '1MiB' }] };
    expect(threadsProblem(spec('ethernet', { kind: 'jobs', jobs: [job] }))).toMatch(/^--threads: j: jobs run one collective per iteration/);
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB' }))).toMatch(/tree with slot limits/);
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'tree', slots: 'unlimited', bytes: '1MiB' }))).toBeNull();
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'tree', slotCredits: 'cts', bytes: '1MiB' }))).toBeNull();
    // algorithm auto: its pick (NCCL's tuning model) depends on the size and the topology only, so it is known before the run.
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'auto', bytes: '1MiB' }))).toMatch(/^--threads: algorithm auto picks tree here, and a tree with slot limits/);
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'auto', bytes: '1MiB', slotCredits: 'cts' }))).toBeNull();
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', algorithm: 'auto', bytes: '16MiB' }))).toBeNull();
    // In a job the pick is made on the job's GPUs: ring for 4 ranks at 1 MiB, tree for 16.
    const autoJob = (ranks: number) => ({ kind: 'jobs', jobs: [{ name: 'j', ranks, collectives: [{ kind: 'allreduce', algorithm: 'auto', bytes: '1MiB' }] }] });
    expect(threadsProblem(spec('ethernet', autoJob(4)))).toBeNull();
    expect(threadsProblem(spec('ethernet', autoJob(16)))).toMatch(/^--threads: j: algorithm auto picks tree here, and a tree with slot limits/);
    expect(threadsProblem(spec('ethernet', { kind: 'allreduce', bytes: '1MiB' }))).toBeNull();
    // adaptive-global reads other switches' advertised loads: a switch's choice would depend on another thread's state.
    expect(threadsProblem(spec({ preset: 'ethernet', routing: 'adaptive-global' }, { kind: 'permutation', bytes: '1MiB' }))).toMatch(/routing adaptive-global is not supported/);
    expect(threadsProblem(spec({ preset: 'ethernet', routing: 'flowlet' }, { kind: 'permutation', bytes: '1MiB' }))).toBeNull();
    expect(threadsProblem(spec({ preset: 'ethernet', model: 'flow' }, { kind: 'permutation', bytes: '1MiB' }))).toMatch(/packet model/);
    expect(threadsProblem(spec('ethernet', { kind: 'permutation', bytes: '1MiB' }))).toBeNull();
    const noDelay = spec('ethernet', { kind: 'permutation', bytes: '1MiB' }, { ...FAT_TREE, linkDelayNs: 0 });
    expect(threadsProblem(noDelay, { threads: 2 })).toMatch(/propagation delay/);
    expect(threadsProblem(noDelay, { threads: 1 })).toBeNull();
  });

  it('fabsim run --threads on an unsupported spec exits 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabsim-threads-'));
    const file = join(dir, 'ar.yaml');
    writeFileSync(file, 'name: ar\nseed: 1\ntopology: { kind: leaf-spine, gpus: 16, gpusPerLeaf: 4, linkGbps: 100 }\nfabrics: [ethernet]\nworkload: { kind: allreduce, algorithm: tree, bytes: 1MiB }\n');
    const { code, stderr } = await cli('run', file, '--threads', '2');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      "fabsim: --threads: a tree with slot limits (slots, NCCL_STEPS = 8 by default) and instant credits is not supported: they cross NICs at once; slotCredits: cts (NCCL's clear-to-send over the fabric) or slots: unlimited is",
    ]);
  }, 120_000); // one CLI start-up: seconds alone on a loaded machine
});
