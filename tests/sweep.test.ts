import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliSync, type CliOutcome } from './cli-helpers.js';
import { describe, expect, it } from 'vitest';
import { sweepValues, type SweepResult } from '../src/experiment/sweep.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-sweep-'));


const spec = join(dir, 'sweep.yaml');
writeFileSync(
  spec,
  `name: tiny-sweep
topology: { kind: leaf-spine, gpus: 16, gpusPerLeaf: 4, linkGbps: 100 }
fabrics: [ethernet, { preset: ethernet, routing: spray, lossRecovery: ooo }]
workload: { kind: allreduce, bytes: 16KiB, ranks: 8, placement: random }
sweep: { field: workload.bytes, values: 16KiB..256KiB x2 }
`,
);

/** Everything but wall-clock times, which differ from run to run. */
const withoutWall = (s: SweepResult) =>
  JSON.stringify(s.points.map((p) => ({ ...p, result: { ...p.result, results: p.result.results.map(({ wallMs: _w, ...r }) => r) } })));

describe('sweep values', () => {
  it('expands multiplicative and additive ranges and keeps lists', () => {
    expect(sweepValues({ field: 'x', values: '8KiB..64KiB x2' })).toEqual(['8KiB', '16KiB', '32KiB', '64KiB']);
    expect(sweepValues({ field: 'x', values: '1..4 +1' })).toEqual([1, 2, 3, 4]);
    expect(sweepValues({ field: 'x', values: [1, 4, 16] })).toEqual([1, 4, 16]);
    expect(() => sweepValues({ field: 'x', values: '64KiB..8KiB x2' })).toThrow(/sweep\.values/);
  });
});

/** `fabsim sweep SPEC --out whole`, run once for the tests that read its table or its files (a sweep start costs seconds). */
const whole = join(dir, 'whole');
let wholeSweep: CliOutcome | undefined;
const sweepToWhole = (): CliOutcome => (wholeSweep ??= cliSync('sweep', spec, '--out', whole));

describe('fabsim sweep', () => {
  it('prints the nccl-tests layout: a row per size, time/algbw/busbw per fabric', () => {
    const r = sweepToWhole();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#\s+size\s+count\s+type\s+ethernet time\s+algbw\s+busbw\s+ethernet\+spray\+ooo time/m);
    expect(r.stdout.split('\n').filter((l) => /^\s+\d+\s+\d+\s+float/.test(l))).toHaveLength(5);
    expect(r.stdout).toMatch(/^# Avg bus bandwidth ethernet: \d/m);
  });

  it('--shard 0/2 and 1/2, merged, equal the unsharded sweep', () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    expect(sweepToWhole().code).toBe(0);
    expect(cliSync('sweep', spec, '--shard', '0/2', '--out', a).code).toBe(0);
    expect(cliSync('sweep', spec, '--shard', '1/2', '--out', b).code).toBe(0);
    const shardA = JSON.parse(readFileSync(join(a, 'sweep.json'), 'utf8')) as SweepResult;
    expect(shardA.points.map((p) => p.index)).toEqual([0, 2, 4]);
    const merged = cliSync('merge', join(b, 'sweep.json'), join(a, 'sweep.json'), '--json');
    expect(merged.code).toBe(0);
    const unsharded = JSON.parse(readFileSync(join(whole, 'sweep.json'), 'utf8')) as SweepResult;
    expect(withoutWall(JSON.parse(merged.stdout))).toBe(withoutWall(unsharded));
    expect(readFileSync(join(whole, 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 5 * 2);
    // The sweep report: busbw against size, log-log, a line per fabric.
    const html = readFileSync(join(whole, 'sweep.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('ethernet+spray+ooo');
    expect(html).not.toMatch(/<script/);
  });

  it('a bad value fails before anything runs: exit 2, one line naming the field', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(spec, 'utf8').replace('16KiB..256KiB x2', '[16KiB, -3]'));
    const r = cliSync('sweep', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/workload\.bytes/);
  });

  it('a point that only the resolved fabric rejects (PFC buffer below its headroom) fails like fabsim run: exit 2, one line', () => {
    const bad = join(dir, 'bad-buffer.yaml');
    writeFileSync(
      bad,
      readFileSync(spec, 'utf8')
        .replace('{ preset: ethernet, routing: spray, lossRecovery: ooo }', '{ preset: roce }')
        .replace('sweep: { field: workload.bytes, values: 16KiB..256KiB x2 }', 'sweep: { field: fabrics.1.bufferBytesPerPort, values: [1MiB, 8KiB] }'),
    );
    const r = cliSync('sweep', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^fabsim: fabrics\.1\.bufferBytesPerPort: PFC needs/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--threads N: every point on the parallel engine, the same sweep for 1 and 2 threads; a point it cannot run fails before any runs', () => {
    // Points 1 and 4 (a shard keeps it short: every threaded run starts its own workers).
    const threaded = (n: string) => cliSync('sweep', spec, '--json', '--shard', '1/3', '--threads', n);
    const [one, two] = [threaded('1'), threaded('2')];
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stderr).toMatch(/one after another, each run on 2 threads/);
    expect(withoutWall(JSON.parse(two.stdout))).toBe(withoutWall(JSON.parse(one.stdout)));
    expect((JSON.parse(one.stdout) as SweepResult).points.map((p) => p.index)).toEqual([1, 4]);
    const tree = join(dir, 'tree.yaml');
    writeFileSync(tree, readFileSync(spec, 'utf8').replace('kind: allreduce,', 'kind: allreduce, algorithm: tree,'));
    const r = cliSync('sweep', tree, '--threads', '2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^fabsim: --threads: a tree with slot limits .* \(at workload\.bytes = 16KiB\)$/)]);
  }, 120_000); // 3 CLI runs, 8 threaded runs: 4.7 s measured alone

  it('merge refuses shards of different sweeps', () => {
    // Shard 0/2 of a sweep named "other": the same points as shard a's (same spec but the name).
    const a = join(dir, 'a', 'sweep.json');
    if (!existsSync(a)) expect(cliSync('sweep', spec, '--shard', '0/2', '--out', join(dir, 'a')).code).toBe(0);
    const other = join(dir, 'other-sweep.json');
    writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(a, 'utf8')), experiment: 'other' }));
    const r = cliSync('merge', other, a);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a shard of the same sweep/);
  });
});
