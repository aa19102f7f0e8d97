import { describe, expect, it } from 'vitest';
import { validateSpec } from '../src/experiment/load-spec.js';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runPartsInOneThread, type PartResult } from '../src/experiment/threads/run-part.js';
import { threadsProblem } from '../src/experiment/threads/threads-support.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/**
 * Collectives under --threads (issue #16): each delivery runs live on the thread owning the
 * receiving NIC and is replayed in the other replicas (network-partition.ts). Rail-optimized,
 * 3 tiers of radix-8 switches, servers of 4 GPUs on NVLink per message: 64 GPUs in 4 server
 * groups (one per pod), so 4 threads each own whole servers and cut only core links.
 */
const RAIL = { kind: 'rail-optimized', gpus: 64, gpusPerNode: 4, radix: 8, tiers: 3, linkGbps: 400, linkDelayNs: 500 };

const spec = (fabric: unknown, workload: unknown, topology: unknown = RAIL): ExperimentSpec =>
  validateSpec({ name: 'parallel-collectives', seed: 3, topology, fabrics: [fabric], workload });

const row = (s: ExperimentSpec, parts: number, results: PartResult[] = runPartsInOneThread(s, 0, parts)) =>
  JSON.stringify({ ...mergeParts(s, 0, results, 0), wallMs: 0 });

/** The row of `s` on one part, after checking that 2 and 4 parts print it byte for byte. */
function sameOnEveryPartCount(s: ExperimentSpec) {
  const one = row(s, 1);
  expect(row(s, 2)).toBe(one);
  expect(row(s, 4)).toBe(one);
  return JSON.parse(one);
}

const WORKLOADS = [
  // One channel (NCCL's default here is 2 per NIC): half the events, the same mechanism.
  { kind: 'allreduce', algorithm: 'ring', channels: 1, bytes: '64KiB' },
  { kind: 'allreduce', algorithm: 'hierarchical', bytes: '64KiB' },
];

describe('collectives split over parts: byte-identical rows for 1, 2 and 4 parts (NVLink per message)', () => {
  it.each(['ethernet', 'roce', 'spectrum-x'])('%s: ring and hierarchical all-reduce', (fabric) => {
    for (const workload of WORKLOADS) {
      const s = spec(fabric, workload);
      expect(threadsProblem(s, { threads: 4 })).toBeNull();
      const four = runPartsInOneThread(s, 0, 4);
      const one = row(s, 1);
      expect(row(s, 2)).toBe(one);
      expect(row(s, 4, four)).toBe(one);
      const r = JSON.parse(one);
      expect(r.completed).toBe(true);
      // Every byte sent arrived once; hierarchical moves exactly 2(N−1)·S (its NVLink rings included), the ring
      // more: its PXN relays put a message on NVLink before the rail NIC sends it.
      expect(r.drops).toBe(0);
      expect(r.bytesDelivered).toBe(r.bytesSent);
      if (workload.algorithm === 'hierarchical') expect(r.bytesDelivered).toBe(2 * 63 * 64 * 1024);
      else expect(r.bytesDelivered).toBeGreaterThan(2 * 63 * 64 * 1024);
      // The cut is the core links (servers whole): 500 ns of lookahead; deliveries crossed it and were replayed.
      expect(four[0]!.stats.lookaheadPs).toBe(500_000);
      expect(four.every((p) => p.stats.packetsIn > 0)).toBe(true);
    }
  });
});

describe("trees with NCCL's 8 slots freed by clear-to-sends (slotCredits: cts): every post is the receiving rank's", () => {
  const FAT_TREE = { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 };
  // 16 GPUs, 2 trees of 128 KiB in 32 slices of 4 KiB: 8 slots hold a quarter of a part, so the sender waits for CTSs.
  const tree = (slotCredits: string) => ({ kind: 'allreduce', algorithm: 'tree', bytes: '256KiB', chunkBytes: '4KiB', slotCredits });

  it.each(['ethernet', 'roce', 'spectrum-x'])('%s: tree all-reduce, 1, 2 and 4 parts alike; one 64-byte CTS per slice on top of 2(N−1)·S', (fabric) => {
    const s = spec(fabric, tree('cts'), FAT_TREE);
    expect(threadsProblem(s, { threads: 4 })).toBeNull();
    const r = sameOnEveryPartCount(s);
    expect(r.completed).toBe(true);
    // Each of the 15 non-root positions of each tree gets every slice down and sends it up: 2·2·15·32 slices, each consumed once.
    const slices = 2 * 2 * 15 * 32;
    expect(r.bytesDelivered).toBe(2 * 15 * 256 * 1024 + slices * 64);
    expect(r.bytesDelivered).toBe(r.bytesSent);
    // Instant credits carry the same data and no CTS (a 4 KiB slice and a CTS are one frame each).
    const instant = JSON.parse(row(spec(fabric, tree('instant'), FAT_TREE), 1));
    expect(instant.bytesDelivered).toBe(2 * 15 * 256 * 1024);
    expect(r.dataPackets).toBe(2 * instant.dataPackets);
  });

  it('hierarchical all-reduce, tree across nodes, on rail-optimized servers (NVLink per message): 1, 2 and 4 parts alike', () => {
    const s = spec('spectrum-x', { kind: 'allreduce', algorithm: 'hierarchical', interNode: 'tree', bytes: '256KiB', chunkBytes: '2KiB', slotCredits: 'cts' });
    expect(threadsProblem(s, { threads: 4 })).toBeNull();
    expect(sameOnEveryPartCount(s).completed).toBe(true);
  });
});

describe('limits.maxTimeUs on threads: every event up to the limit, the clock then at it', () => {
  const capped = (workload: unknown, maxTimeUs: number) =>
    validateSpec({ name: 'parallel-collectives', seed: 3, topology: RAIL, fabrics: ['spectrum-x'], workload, limits: { maxTimeUs } });

  it('a ring all-reduce stopped halfway: 1, 2 and 4 parts alike, not completed, at the limit; a limit after its end changes only the events run past it', () => {
    const full = JSON.parse(row(spec('spectrum-x', WORKLOADS[0]), 1));
    const half = Math.round(full.completionUs / 2);
    const s = capped(WORKLOADS[0], half);
    expect(threadsProblem(s, { threads: 4 })).toBeNull();
    const r = sameOnEveryPartCount(s);
    expect(r.completed).toBe(false);
    expect(r.completionUs).toBe(half);
    expect(r.bytesDelivered).toBeGreaterThan(0);
    expect(r.bytesDelivered).toBeLessThan(full.bytesDelivered);
    // Timers left after the last delivery (a NIC's, a switch's) fire past the limit, or not at all, as in a sequential run.
    const after = JSON.parse(row(capped(WORKLOADS[0], Math.ceil(2 * full.completionUs)), 2));
    expect({ ...after, events: 0 }).toEqual({ ...full, events: 0 });
    expect(after.events).toBeLessThanOrEqual(full.events);
  });

  it('a job stopped in its compute phase, every posted message delivered: not completed, one iteration of bytes, 2(N−1)·S', () => {
    const jobs = (over: object = {}) => ({ kind: 'jobs', jobs: [{ name: 'j', ranks: 32, iterations: 2, computeUs: 5, collectives: [{ kind: 'allreduce', algorithm: 'hierarchical', bytes: '64KiB' }], ...over }] });
    const full = JSON.parse(row(spec('spectrum-x', jobs()), 1));
    expect(full.completed).toBe(true);
    // The second iteration computes from the end of the first (computeUs 5 + its collective) for 5 µs.
    const s = capped(jobs(), full.jobs[0].iterationUs[0] + 2);
    const r = sameOnEveryPartCount(s);
    expect(r.completed).toBe(false);
    expect(r.bytesDelivered).toBe(2 * 31 * 64 * 1024);
  });

  it('an event limit is refused', () => {
    const s = validateSpec({ name: 'x', seed: 3, topology: RAIL, fabrics: ['spectrum-x'], workload: WORKLOADS[0], limits: { maxEvents: 1000 } });
    expect(threadsProblem(s, { threads: 2 })).toMatch(/^--threads: limits.maxEvents is not supported/);
  });
});

describe("a protocol's step latency: posts recorded when made, sent after it", () => {
  it('hierarchical all-reduce with the simple protocol on 32 random GPUs (node rings over NVLink and the fabric mixed): 1, 2 and 4 parts alike', () => {
    // A replica that recorded a post only when it left could record another post of the same queue pair first:
    // here a rank's first fabric message (at the launch + the fabric step latency) follows NVLink messages that arrived sooner.
    const s = spec('ethernet', { kind: 'allreduce', algorithm: 'hierarchical', ranks: 32, placement: 'random', protocol: 'simple', bytes: '64KiB' });
    expect(sameOnEveryPartCount(s).completed).toBe(true);
  });
});

describe('closed form: a ring all-reduce alone on its links, split over 2 threads', () => {
  it('completes after the longest chain of 2(N−1) ring steps, each hops × (frame + propagation)', () => {
    // Fat-tree of radix 4, 16 hosts in rank order: ring edges r→r+1 take 2 hops on a leaf, 4 across leaves of a pod, 6 across pods:
    // 2, 4, 2, 6 repeating. 64,000 B in 16 chunks of 4,000 B: one 4,064 B frame per step, every link carries one flow.
    const s = spec(
      { preset: 'ethernet', mtuBytes: 4000, headerBytes: 64 },
      { kind: 'allreduce', algorithm: 'ring', placement: 'packed', bytes: 16 * 4000 },
      { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 },
    );
    const edges = Array.from({ length: 16 }, (_, r) => [2, 4, 2, 6][r % 4]!);
    // Step s of rank r waits for step s−1 of rank r−1: the slowest chain of 30 consecutive ring edges.
    let hops = 0;
    for (let start = 0; start < 16; start++) {
      let sum = 0;
      for (let k = 0; k < 30; k++) sum += edges[(start + k) % 16]!;
      hops = Math.max(hops, sum);
    }
    expect(hops).toBe(106);
    const hopPs = (4064 * 8 * 1000) / 100 + 1_000_000;
    const parts = runPartsInOneThread(s, 0, 2);
    const r = JSON.parse(row(s, 2, parts));
    expect(r.completionUs).toBeCloseTo((hops * hopPs) / 1e6, 3);
    // Conservation across the cut: 2(N−1)·S delivered, every byte sent arrived, and the pods' halves traded packets.
    expect(r.bytesDelivered).toBe(2 * 15 * 64_000);
    const sum = (key: string) => parts.reduce((total, p) => total + (p.metrics[key] as number), 0);
    expect(sum('dataBytesSent')).toBe(sum('dataBytesArrived'));
    expect(parts.every((p) => p.stats.packetsIn > 0)).toBe(true);
    // Each thread delivered its own receivers' messages: 30 steps for each of 16 ranks in all.
    expect(parts.reduce((n, p) => n + p.delivered, 0)).toBe(30 * 16);
    expect(parts.every((p) => p.delivered > 0 && p.messages === 30 * 16)).toBe(true);
  });
});

describe('a post across threads is refused, never simulated wrong', () => {
  it('a tree whose slot credits cross the cut (slots: 1, forced past threadsProblem) throws naming the NIC', () => {
    // The child's delivery frees a slot of its parent's connection and the parent posts at once, from another NIC.
    const s = spec('ethernet', { kind: 'allreduce', algorithm: 'tree', slots: 1, chunkBytes: 4096, bytes: '256KiB' }, { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 });
    expect(threadsProblem(s, { threads: 2 })).toMatch(/tree with slot limits/);
    expect(JSON.parse(row(s, 1)).completed).toBe(true);
    expect(() => runPartsInOneThread(s, 0, 2)).toThrow(/^--threads: NIC \d+'s post was made by an event of node \d+ \(a cross-thread post is not supported\)$/);
  });
});

describe('jobs split over parts: one collective per iteration, a compute phase of at least the lookahead', () => {
  it('two jobs on random GPUs, 3 and 2 iterations, staggered: byte-identical rows and job reports for 1, 2 and 4 parts', () => {
    const jobs = [
      { name: 'a', ranks: 32, placement: 'random', iterations: 3, computeUs: 5, collectives: [{ kind: 'allreduce', algorithm: 'hierarchical', bytes: '64KiB' }] },
      { name: 'b', ranks: 32, placement: 'random', iterations: 2, computeUs: 2, startUs: 3, collectives: [{ kind: 'allreduce', algorithm: 'ring', channels: 1, bytes: '64KiB' }] },
    ];
    const s = spec('spectrum-x', { kind: 'jobs', jobs });
    expect(threadsProblem(s, { threads: 4 })).toBeNull();
    const r = sameOnEveryPartCount(s);
    expect(r.completed).toBe(true);
    expect(r.jobs.map((j: { iterationUs: number[] }) => j.iterationUs.length)).toEqual([3, 2]);
    // Each iteration is its compute plus its collective; the run ends with the later job.
    for (const [k, j] of r.jobs.entries()) {
      j.iterationUs.forEach((it: number, i: number) => expect(it).toBeCloseTo(jobs[k]!.computeUs + j.collectiveUs[i], 6));
      expect(j.jctUs).toBeCloseTo(j.iterationUs.reduce((a: number, b: number) => a + b, 0), 6);
    }
    expect(r.completionUs).toBeCloseTo(Math.max(...r.jobs.map((j: { startUs: number; jctUs: number }) => j.startUs + j.jctUs)), 3);
  });

  it('a job with algorithm auto (NCCL picks ring for 8 of 16 GPUs at 1 MiB on a 100G fat-tree): byte-identical rows for 1, 2 and 4 parts', () => {
    const jobs = [{ name: 'a', ranks: 8, placement: 'random', iterations: 2, computeUs: 5, collectives: [{ kind: 'allreduce', algorithm: 'auto', bytes: '1MiB' }] }];
    const s = spec('roce', { kind: 'jobs', jobs }, { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 });
    expect(threadsProblem(s, { threads: 4 })).toBeNull();
    const r = sameOnEveryPartCount(s);
    expect(r.completed).toBe(true);
    expect(r.jobs[0].iterationUs).toHaveLength(2);
  });

  it('refuses what would start a step on other threads within the lookahead', () => {
    const job = (over: object) => ({ kind: 'jobs', jobs: [{ name: 'j', ranks: 16, iterations: 2, computeUs: 5, collectives: [{ kind: 'allreduce', bytes: '64KiB' }], ...over }] });
    expect(threadsProblem(spec('ethernet', job({})), { threads: 2 })).toBeNull();
    // Links of 500 ns: a compute phase of 0.2 µs is shorter than the lookahead.
    expect(threadsProblem(spec('ethernet', job({ computeUs: 0.2 })), { threads: 2 })).toMatch(/^--threads: j: computeUs 0.2 is shorter than the longest link delay \(0.5 µs\)/);
    expect(threadsProblem(spec('ethernet', job({ collectives: [{ kind: 'allreduce', bytes: '64KiB' }, { kind: 'allgather', bytes: '64KiB' }] })), { threads: 2 })).toMatch(/one collective per iteration/);
  });
});
