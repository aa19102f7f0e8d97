import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-helpers.js';
import { describe, expect, it } from 'vitest';
import { defaultJobs } from '../src/cli/run-jobs.js';
import { timesFileOf } from '../src/cli/run-durations.js';
import { loadSpec } from '../src/experiment/load-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-jobs-'));


// 2 fabrics × 2 workloads: runs of unequal length (the all-reduce takes ~4× the permutation's
// events), so with 2 workers the runs end out of spec order.
const SPEC = `name: jobs
seed: 3
topology: { kind: leaf-spine, gpus: 32, gpusPerLeaf: 8, linkGbps: 400 }
fabrics: [ethernet, spectrum-x]
workload:
  - { kind: allreduce, algorithm: ring, bytes: 1MiB }
  - { kind: permutation, bytes: 256KiB }
`;

/** The document with every wallMs (the one field that may differ) set to 0. */
const withoutWallMs = (json: string) => JSON.parse(json, (key, value) => (key === 'wallMs' ? 0 : value));

describe('fabsim run --jobs', () => {
  it('--jobs 2 prints and writes what --jobs 1 does, wallMs apart: rows in spec order, time series and flows included', async () => {
    const spec = join(dir, 'jobs.yaml');
    writeFileSync(spec, SPEC);
    const [one, two] = await Promise.all(
      ['1', '2'].map((jobs) => cli('run', spec, '--json', '--jobs', jobs, '--out', join(dir, `out${jobs}`), '--flows', join(dir, `flows${jobs}.csv`))),
    );
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stderr).toMatch(/4 runs, 2 at once/);
    const sequential = withoutWallMs(one.stdout);
    expect(withoutWallMs(two.stdout)).toEqual(sequential);
    expect(sequential.results.map((r: { fabric: string; workload: string }) => `${r.fabric} ${r.workload.split(' ')[0]}`)).toEqual([
      'ethernet allreduce/ring',
      'spectrum-x allreduce/ring',
      'ethernet permutation',
      'spectrum-x permutation',
    ]);
    expect(sequential.results[3].detail.timeSeries.tUs.length).toBeGreaterThan(1);
    expect(withoutWallMs(readFileSync(join(dir, 'out2', 'result.json'), 'utf8'))).toEqual(sequential);
    const flows = readFileSync(join(dir, 'flows1.csv'), 'utf8');
    expect(flows.trim().split('\n')).toHaveLength(1 + 2 * 32); // a header, then the permutation's 32 messages on each fabric
    expect(readFileSync(join(dir, 'flows2.csv'), 'utf8')).toBe(flows);
  }, 120_000); // two CLI processes: tsx start-up alone takes seconds on a loaded machine

  it('starts the runs longest first by the last complete run, and still prints them in spec order', async () => {
    const spec = join(dir, 'jobs-order.yaml');
    writeFileSync(spec, SPEC);
    // Times that put the last run first and the first last.
    writeFileSync(timesFileOf(loadSpec(spec)), JSON.stringify([1, 2, 3, 4]));
    const [one, two] = await Promise.all(['1', '2'].map((jobs) => cli('run', spec, '--json', '--jobs', jobs)));
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(withoutWallMs(two.stdout)).toEqual(withoutWallMs(one.stdout));
    // Both ran to the end: the file now holds this machine's times, one per run.
    expect(JSON.parse(readFileSync(timesFileOf(loadSpec(spec)), 'utf8'))).toHaveLength(4);
  }, 120_000);

  it('refuses a --jobs that is not a whole number from 1: one line, exit 2', async () => {
    const spec = join(dir, 'jobs.yaml');
    writeFileSync(spec, SPEC);
    const bad = ['0', '-1', '1.5', 'x', ''];
    const runs = await Promise.all(bad.map((jobs) => cli('run', spec, '--jobs', jobs)));
    for (const [i, r] of runs.entries()) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`fabsim: --jobs: expected a whole number of runs at once from 1 to 1024, got "${bad[i]}"\n`);
    }
    expect((await cli('sweep', spec, '--jobs', '2')).stderr).toMatch(/--jobs: not an option of "sweep"/);
  }, 120_000); // six CLI processes: tsx start-up alone takes seconds each on a loaded machine

  it('by default one run per core, but no more runs at once than the heap holds at the estimated peak', () => {
    // Peak ~79 KiB a GPU with the packet model, ~12 KiB with the flow model.
    expect(defaultJobs(6, 512, 'packet', 19_000, 2)).toBe(2);
    expect(defaultJobs(6, 512, 'packet', 19_000, 16)).toBe(6);
    expect(defaultJobs(1, 512, 'packet', 19_000, 16)).toBe(1);
    // 100,000 GPUs: 100,000 × 79 KiB = 7,715 MiB a run; 19,000 MiB holds 2 of them, 12,000 MiB one.
    expect(defaultJobs(6, 100_000, 'packet', 19_000, 16)).toBe(2);
    expect(defaultJobs(6, 100_000, 'packet', 12_000, 16)).toBe(1);
    // 1,000,000 GPUs of flow model: 11,719 MiB a run, more than 10,000 MiB: still one (never zero).
    expect(defaultJobs(6, 1_000_000, 'flow', 10_000, 16)).toBe(1);
    expect(defaultJobs(6, 1_000_000, 'flow', 24_000, 16)).toBe(2);
  });
});
