import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { bytesSweep } from './sweep-helpers.js';
import { formatNcclTestsSweep } from '../src/report/nccl-tests.js';
import { parseNcclTests } from '../src/report/nccl-tests-parse.js';

// nccl-tests' own layout (src/common.cu, 2.10 and later: a root column), as all_reduce_perf
// prints it over mpirun with NCCL_DEBUG=INFO: settings, devices, NCCL's debug lines interleaved,
// the three header lines, rows with out-of-place and in-place halves, the closing averages.
const CURRENT = `# nThread 1 nGpus 1 minBytes 1024 maxBytes 4096 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0
#
# Using devices
#  Rank  0 Group  0 Pid  40001 on     node-a device  0 [0x18] NVIDIA H100 80GB HBM3
#  Rank  1 Group  0 Pid  40002 on     node-b device  0 [0x18] NVIDIA H100 80GB HBM3
node-a:40001:40001 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>
NCCL version 2.21.5+cuda12.4
#
#                                                              out-of-place                       in-place          
#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong
#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       
        1024           256     float     sum      -1    21.37    0.05    0.05      0    20.91    0.05    0.05      0
        2048           512     float     sum      -1    21.80    0.09    0.09      0    21.42    0.10    0.10    N/A
        4096          1024     float     sum      -1    22.46    0.18    0.18      0    22.03    0.19    0.19      0
# Out of bounds values : 0 OK
# Avg bus bandwidth    : 0.110833 
#
`;

// Before nccl-tests 2.10: no root column, and a float max error in place of #wrong.
const OLDER = `#                                                       out-of-place                       in-place
#       size         count      type   redop     time   algbw   busbw  error     time   algbw   busbw  error
#        (B)    (elements)                       (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
     8388608       2097152     float     sum    812.4   10.33   10.33  0e+00    810.9   10.35   10.35  0e+00
    16777216       4194304     float     sum   1598.1   10.50   10.50  0e+00   1601.7   10.47   10.47  0e+00
`;

const dir = mkdtempSync(join(tmpdir(), 'fabsim-calibrate-parse-'));

describe('reading nccl-tests output', () => {
  it('reads the current layout: rows, out-of-place and in-place times, ranks from the device lines, NCCL debug lines skipped', () => {
    const t = parseNcclTests(CURRENT, 'ar.txt');
    expect(t.rows).toEqual([
      { sizeBytes: 1024, timeUs: 21.37, inPlaceTimeUs: 20.91, line: 12 },
      { sizeBytes: 2048, timeUs: 21.8, inPlaceTimeUs: 21.42, line: 13 },
      { sizeBytes: 4096, timeUs: 22.46, inPlaceTimeUs: 22.03, line: 14 },
    ]);
    expect([t.type, t.redop, t.ranks]).toEqual(['float', 'sum', 2]);
  });

  it('reads the older layout without the root column', () => {
    const t = parseNcclTests(OLDER);
    expect(t.rows.map((r) => [r.sizeBytes, r.timeUs, r.inPlaceTimeUs])).toEqual([
      [8388608, 812.4, 810.9],
      [16777216, 1598.1, 1601.7],
    ]);
    expect(t.ranks).toBeUndefined();
  });

  it("reads back what fabsim's --format nccl-tests writes: every size and time of the sweep", () => {
    const doc = {
      name: 'roundtrip',
      topology: { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, linkGbps: 100 },
      fabrics: ['ethernet'],
      workload: { kind: 'allreduce', bytes: 4096 },
    };
    const sizes = [4096, 65536, 1048576];
    const sweep = bytesSweep(doc, sizes);
    const t = parseNcclTests(formatNcclTestsSweep(sweep));
    expect(t.rows.map((r) => r.sizeBytes)).toEqual(sizes);
    // nccl-tests prints the time as %7.2f below 100 µs, %7.1f below 10 ms.
    t.rows.forEach((r, i) => expect(r.timeUs).toBeCloseTo(sweep.points[i]!.result.results[0]!.completionUs, 1));
  });

  it.each([
    ['a row with a column missing', CURRENT.replace('22.46    0.18    0.18      0    22.03', '22.46    0.18    0.18      0'), 14, /expected an nccl-tests row .* 13 columns\), got 12 columns/],
    ['a time that is not a number', CURRENT.replace('21.80', '21,80'), 13, /time \(out-of-place\): expected a time in µs above 0, got "21,80"/],
    ['a stray line of text', CURRENT.replace('# Out of bounds', 'Segmentation fault\n# Out of bounds'), 15, /expected an nccl-tests row, a # comment or an NCCL debug line, got "Segmentation fault"/],
    ['sizes out of order', CURRENT.replace('        4096          1024', '        1024          1024'), 14, /size: expected sizes in increasing order, got 1024 after 2048/],
    ['a second table after the first', `${CURRENT}${OLDER}`, 21, /a second table starts here/],
  ])('%s is a one-line error naming the line', (_what, text, line, message) => {
    expect(() => parseNcclTests(text, 'ar.txt')).toThrow(new RegExp(`^ar\\.txt:${line}: `));
    expect(() => parseNcclTests(text, 'ar.txt')).toThrow(message);
  });

  it('a file with no rows is an error', () => {
    expect(() => parseNcclTests('# nThread 1\n#\n', 'empty.txt')).toThrow(/empty\.txt: no nccl-tests rows/);
  });

  it('fabsim calibrate on a malformed file: one line on stderr with the line number, exit 2, before any simulation', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, CURRENT.replace('21.80', 'abc'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'name: s\ntopology: { kind: leaf-spine, gpus: 2 }\nfabrics: [ethernet]\nworkload: { kind: allreduce, bytes: 4KiB }\n');
    const r = cliSync('calibrate', bad, '--spec', spec);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`fabsim: ${bad}:13: time (out-of-place): expected a time in µs above 0, got "abc"\n`);
    expect(r.stdout).toBe('');
  });
});
