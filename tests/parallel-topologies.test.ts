import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../src/experiment/load-spec.js';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runPartsInOneThread, type PartResult } from '../src/experiment/threads/run-part.js';
import { threadsProblem } from '../src/experiment/threads/threads-support.js';
import { splitBlocks } from '../src/fabric/partition/ownership.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/**
 * `--threads` beyond the Clos: a dragonfly split by groups, a topology file by its leaves in
 * file order, with every routing that reads only its own switch (minimal, Valiant, UGAL-L,
 * flowlet). The row must not depend on the number of parts.
 */

/** a·h + 1 = 5 groups of 4 routers, one global link per pair of groups; host, local and global delays all differ. */
const DRAGONFLY = {
  kind: 'dragonfly',
  groups: 5,
  routersPerGroup: 4,
  hostsPerRouter: 2,
  globalLinksPerRouter: 1,
  linkGbps: 100,
  localGbps: 100,
  globalGbps: 100,
  linkDelayNs: 200,
  localDelayNs: 300,
  globalDelayNs: 1000,
};

const dir = mkdtempSync(join(tmpdir(), 'fabsim-parallel-topologies-'));

/**
 * HPCC's topology.txt: 8 hosts (0–7) two per leaf (8–11), every leaf to both spines (12, 13)
 * at other delays, and one leaf–leaf link, so shortest paths are uneven.
 */
function graphFile(delays: { host: string; spine0: string; spine1: string; leafLeaf: string }): string {
  const links = [
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((h) => `${h} ${8 + (h >> 1)} 100Gbps ${delays.host} 0`),
    ...[8, 9, 10, 11].flatMap((l) => [`${l} 12 100Gbps ${delays.spine0} 0`, `${l} 13 100Gbps ${delays.spine1} 0`]),
    `8 9 100Gbps ${delays.leafLeaf} 0`,
  ];
  const path = join(dir, `g-${Object.values(delays).join('-')}.txt`);
  writeFileSync(path, `14 6 ${links.length}\n8 9 10 11 12 13\n${links.join('\n')}\n`);
  return path;
}
const GRAPH = { kind: 'file', path: graphFile({ host: '500ns', spine0: '1us', spine1: '700ns', leafLeaf: '400ns' }) };

const spec = (topology: unknown, fabric: unknown, workload: unknown): ExperimentSpec => validateSpec({ name: 'parallel-topologies', seed: 3, topology, fabrics: [fabric], workload });

/** The merged row of `parts` parts (one thread, lockstep windows), wallMs zeroed. */
const row = (s: ExperimentSpec, results: PartResult[]) => JSON.stringify({ ...mergeParts(s, 0, results, 0), wallMs: 0 });

/** Rows of 1, 2 and 4 parts, and each split's part statistics. */
function split(s: ExperimentSpec) {
  expect(threadsProblem(s, { threads: 4 })).toBeNull();
  return [1, 2, 4].map((parts) => {
    const results = runPartsInOneThread(s, 0, parts);
    return { row: row(s, results), stats: results[0]!.stats };
  });
}

describe('--threads on a dragonfly: byte-identical rows for 1, 2 and 4 parts', () => {
  it.each([
    ['minimal', { preset: 'ethernet', routing: 'minimal', lossRecovery: 'ooo' }, { kind: 'permutation', bytes: '256KiB' }],
    ['valiant (intermediate group drawn by the source router)', { preset: 'ethernet', routing: 'valiant', lossRecovery: 'ooo' }, { kind: 'permutation', bytes: '256KiB' }],
    ['ugal (the source router reads its own queues), ring all-reduce', { preset: 'spectrum-x', routing: 'ugal' }, { kind: 'allreduce', algorithm: 'ring', bytes: '1MiB' }],
    ['ugal on roce, all-to-all', { preset: 'roce', routing: 'ugal' }, { kind: 'alltoall', bytes: '128KiB' }],
  ])('%s', (_name, fabric, workload) => {
    const [one, two, four] = split(spec(DRAGONFLY, fabric, workload));
    expect(two!.row).toBe(one!.row);
    expect(four!.row).toBe(one!.row);
    expect(JSON.parse(one!.row).completed).toBe(true);
  });

  it('keeps groups whole when there are enough: only global links are cut, so the lookahead is the global delay', () => {
    const [, two, four] = split(spec(DRAGONFLY, { preset: 'ethernet', routing: 'minimal', lossRecovery: 'ooo' }, { kind: 'permutation', bytes: '64KiB' }));
    // Groups in contiguous blocks: 2 parts hold groups {0,1,2} | {3,4}: 3 × 2 pairs of groups apart, one cable each, two directions.
    expect([two!.stats.cutLinks, two!.stats.lookaheadPs]).toEqual([2 * 3 * 2, 1_000_000]);
    // 4 parts: {0,1} | {2} | {3} | {4}: every pair of the 5 groups but (0, 1).
    expect([four!.stats.cutLinks, four!.stats.lookaheadPs]).toEqual([2 * (10 - 1), 1_000_000]);
    // Fewer groups than parts: blocks of routers, so local links are cut too and bound the lookahead.
    const few = spec({ ...DRAGONFLY, groups: 3, globalLinksPerRouter: 2 }, { preset: 'ethernet', routing: 'minimal', lossRecovery: 'ooo' }, { kind: 'permutation', bytes: '64KiB' });
    expect(runPartsInOneThread(few, 0, 4)[0]!.stats.lookaheadPs).toBe(300_000);
  });
});

describe('threads balanced by the GPUs the workload uses', () => {
  it('splits blocks of leaves evenly when every GPU is in use, and by the weight in use otherwise, contiguous and none empty', () => {
    expect([...splitBlocks(5, 2, null)]).toEqual([0, 0, 0, 1, 1]);
    expect([...splitBlocks(8, 2, null)]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // A job on the first two of 8 groups: one group per thread, not both on the first.
    const twoGroups = Float64Array.from([128, 128, 0, 0, 0, 0, 0, 0]);
    expect([...splitBlocks(8, 2, twoGroups)]).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    // 4 threads: the two busy groups apart, and every thread still gets a block.
    expect([...splitBlocks(8, 4, twoGroups)]).toEqual([0, 1, 2, 3, 3, 3, 3, 3]);
    // All the weight in the last block: the threads before it still get one block each.
    expect([...splitBlocks(4, 4, Float64Array.from([0, 0, 0, 1]))]).toEqual([0, 1, 2, 3]);
    expect([...splitBlocks(6, 3, Float64Array.from([1, 1, 1, 1, 1, 1]))]).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('an all-to-all on the first 2 of 5 dragonfly groups: each of 2 threads owns ranks (each replays the other\'s deliveries), the rows unchanged', () => {
    const s = spec(DRAGONFLY, { preset: 'ethernet', routing: 'ugal', lossRecovery: 'ooo' }, { kind: 'alltoall', bytes: '64KiB', ranks: 16, placement: 'packed' });
    const [one, two, four] = split(s);
    expect(two!.row).toBe(one!.row);
    expect(four!.row).toBe(one!.row);
    const parts = runPartsInOneThread(s, 0, 2);
    // 16 ranks, 8 per group: 8 × 15 messages delivered on each side, each replayed on the other.
    expect(parts.map((p) => p.stats.replayed)).toEqual([8 * 15, 8 * 15]);
  });
});

describe('--threads on a topology file: byte-identical rows for 1, 2 and 4 parts', () => {
  it.each([
    ['ethernet, ECMP, permutation', { preset: 'ethernet' }, { kind: 'permutation', bytes: '256KiB' }],
    ['spectrum-x, ring all-reduce', { preset: 'spectrum-x' }, { kind: 'allreduce', algorithm: 'ring', bytes: '1MiB' }],
    ['roce with flowlet switching, incast that pauses', { preset: 'roce', routing: 'flowlet', bufferBytesPerPort: '64KiB' }, { kind: 'incast', senders: 6, bytes: '256KiB' }],
  ])('%s', (_name, fabric, workload) => {
    const [one, two, four] = split(spec(GRAPH, fabric, workload));
    expect(two!.row).toBe(one!.row);
    expect(four!.row).toBe(one!.row);
    const r = JSON.parse(one!.row);
    expect(r.completed).toBe(true);
    if ((workload as { kind: string }).kind === 'incast') expect(r.pfcPauses).toBeGreaterThan(0);
    // The lookahead is the shortest link cut: no link of the file is shorter than 400 ns.
    expect(four!.stats.lookaheadPs).toBeGreaterThanOrEqual(400_000);
  });

  it('refuses more than one thread when a link of the file has no delay (no lookahead), one thread still runs', () => {
    const noDelay = { kind: 'file', path: graphFile({ host: '500ns', spine0: '1us', spine1: '0ns', leafLeaf: '400ns' }) };
    const s = spec(noDelay, { preset: 'ethernet' }, { kind: 'permutation', bytes: '64KiB' });
    expect(threadsProblem(s, { threads: 2 })).toMatch(/^--threads: more than one thread needs every link to have a propagation delay/);
    expect(threadsProblem(s, { threads: 1 })).toBeNull();
    const zeroLocal = spec({ ...DRAGONFLY, localDelayNs: 0 }, { preset: 'ethernet', routing: 'minimal' }, { kind: 'permutation', bytes: '64KiB' });
    expect(threadsProblem(zeroLocal, { threads: 2 })).toMatch(/propagation delay/);
  });
});
