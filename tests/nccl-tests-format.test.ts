import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import type { ExperimentResult, FabricResult } from '../src/experiment/result.js';
import { formatNcclTestsRun, ncclTestsRow, ncclTimeUs, printfG } from '../src/report/nccl-tests.js';

// Published all_reduce_perf output (NVIDIA/nccl-tests, 16 H100s, as its users post it): the
// three header lines and one row, verbatim, trailing spaces included.
const GOLDEN_HEADER = [
  '#                                                              out-of-place                       in-place          ',
  '#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong',
  '#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ',
];
const GOLDEN_ROW = '     1048576        262144     float     sum      -1    203.2    5.16    9.68      0    207.2    5.06    9.49      0';
/** One row as the common nccl-tests parsers read it: 5 leading fields, then time algbw busbw #wrong twice. */
const ROW = /^\s*(\d+)\s+(\d+)\s+(\w+)\s+(\w+)\s+(-?\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s*$/;
const AVG = /^# Avg bus bandwidth\s*:\s*([\d.e+-]+)/m;

const fabricRow = (over: Partial<FabricResult>): FabricResult =>
  ({ fabric: 'f', workload: 'w', completed: true, completionUs: 0, algbwGBps: 0, busbwGBps: 0, ...over }) as FabricResult;

describe('nccl-tests layout', () => {
  it('a row is column for column the published one (out-of-place half; in-place repeats it)', () => {
    const row = ncclTestsRow({ kind: 'allreduce', bytes: 1048576, ranks: 16, r: fabricRow({ completionUs: 203.2, algbwGBps: 5.16, busbwGBps: 9.68 }) });
    const outOfPlace = GOLDEN_ROW.slice(0, 84);
    expect(row).toBe(outOfPlace + outOfPlace.slice(52));
    expect(ROW.exec(row)!.slice(1, 10)).toEqual(ROW.exec(GOLDEN_ROW)!.slice(1, 10));
  });

  it('time is %7.2f below 100 µs, %7.1f below 10 ms, %7.0f above (as common.cu); avg is %g', () => {
    expect([ncclTimeUs(47.531), ncclTimeUs(135.84), ncclTimeUs(12646.3)]).toEqual(['  47.53', '  135.8', '  12646']);
    expect([printfG(70.742), printfG(2.1193333), printfG(338.8249), printfG(0.00001), printfG(0)]).toEqual(['70.742', '2.11933', '338.825', '1e-05', '0']);
  });

  it('a run prints a block per fabric with the published header; counts, redop and root as nccl-tests', () => {
    const result: ExperimentResult = {
      experiment: 'x',
      seed: 1,
      topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 100, oversubscription: 1 },
      workload: [
        { kind: 'allreduce', bytes: 1048576 },
        { kind: 'allgather', bytes: 1048576 },
        { kind: 'broadcast', bytes: 4096, ranks: 4 },
        { kind: 'permutation', bytes: 4096 },
      ],
      results: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'].map((fabric, i) => fabricRow({ fabric, completionUs: 10 + i, algbwGBps: 2, busbwGBps: i + 1 })),
    };
    const text = formatNcclTestsRun(result);
    const blocks = text.split(/^# x: /m).slice(1);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(block).toContain(GOLDEN_HEADER.join('\n'));
    const rows = blocks[0]!.split('\n').map((l) => ROW.exec(l)).filter((m) => m !== null);
    // all-reduce: count = S/4; all-gather: per rank (S/4/8 GPUs); broadcast: root 0, no redop; permutation: no nccl-tests test.
    expect(rows.map((m) => m.slice(1, 6))).toEqual([
      ['1048576', '262144', 'float', 'sum', '-1'],
      ['1048576', '32768', 'float', 'none', '-1'],
      ['4096', '1024', 'float', 'none', '0'],
    ]);
    expect(rows.map((m) => [m[8], m[12]])).toEqual([['1.00', '1.00'], ['3.00', '3.00'], ['5.00', '5.00']]);
    expect(Number(AVG.exec(blocks[0]!)![1])).toBe(3); // (1 + 3 + 5) / 3
    expect(blocks[1]).toMatch(/^# Out of bounds values : 0 OK$/m);
  });
});

describe('fabsim run/sweep --format nccl-tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-nccl-tests-'));

  it('parses back to the JSON rows of the same seed', () => {
    const spec = join(dir, 'ar.yaml');
    writeFileSync(spec, `name: ar\ntopology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkGbps: 100 }\nfabrics: [ethernet]\nworkload: { kind: allreduce, bytes: 64KiB }\n`);
    const out = join(dir, 'out');
    const table = cliSync('run', spec, '--format', 'nccl-tests', '--out', out);
    expect(table.code).toBe(0);
    const row = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).results[0] as FabricResult;
    const m = table.stdout.split('\n').map((l) => ROW.exec(l)).find((x) => x !== null)!;
    expect(Number(m[1])).toBe(65536);
    expect(Number(m[6])).toBeCloseTo(row.completionUs, 2);
    expect(Number(m[8])).toBe(Number(row.busbwGBps.toFixed(2)));
  });

  it('a spec without collectives and an unknown format are one-line errors (exit 2)', () => {
    const spec = join(dir, 'perm.yaml');
    writeFileSync(spec, `name: p\ntopology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkGbps: 100 }\nfabrics: [ethernet]\nworkload: { kind: permutation, bytes: 64KiB }\n`);
    const none = cliSync('run', spec, '--format', 'nccl-tests');
    expect([none.code, none.stderr.trim()]).toEqual([2, expect.stringMatching(/^fabsim: --format nccl-tests: the spec has no collective workload.*"permutation"$/)]);
    const both = cliSync('sweep', spec, '--format', 'csv', '--json');
    expect([both.code, both.stderr]).toEqual([2, 'fabsim: --format: expected "table" or "nccl-tests", got "csv"\n']);
  });
});
