import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../src/experiment/index.js';
import type { Jobs } from '../src/workloads/index.js';
import { cdfMeanBytes, NAMED_CDFS, sampleSize } from '../src/workloads/index.js';
import { rngStream } from '../src/engine/index.js';
import { simulate, spec } from './helpers.js';

const ringJob = (name: string, placement = 'packed') => ({
  name,
  ranks: 16,
  placement,
  iterations: 3,
  computeUs: 30,
  collectives: [{ kind: 'allreduce', bytes: '4MiB', channels: 2 }],
});

function runJobs(topology: Record<string, unknown>, jobs: unknown[], background?: unknown) {
  const run = simulate(spec({ topology, workload: { kind: 'jobs', jobs, ...(background ? { background } : {}) } }));
  expect(run.workload.finished).toBe(true);
  return (run.workload as Jobs).reports();
}

describe('jobs', () => {
  const oneSwitch = { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 32, linkGbps: 400 };

  it('an iteration is compute then the collective; the JCT is the sum of iterations', () => {
    const { jobs } = runJobs(oneSwitch, [ringJob('a')]);
    const [a] = jobs;
    expect(a!.iterationUs).toHaveLength(3);
    a!.iterationUs.forEach((it, i) => expect(it).toBeCloseTo(30 + a!.collectiveUs[i]!, 6));
    expect(a!.jctUs).toBeCloseTo(a!.iterationUs.reduce((x, y) => x + y), 6);
  });

  it('two jobs on disjoint GPUs of a non-blocking fabric do not slow each other', () => {
    const alone = runJobs(oneSwitch, [ringJob('a')]).jobs[0]!;
    const together = runJobs(oneSwitch, [ringJob('a'), ringJob('b')]).jobs;
    expect(together[0]!.jctUs).toBe(alone.jctUs);
    expect(together[1]!.jctUs).toBe(alone.jctUs);
  });

  it('on a 4:1 oversubscribed fabric scattered jobs do slow each other, and the report shows it', () => {
    const oversubscribed = { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 16, oversubscription: 4, linkGbps: 400 };
    const alone = runJobs(oversubscribed, [ringJob('a', 'random')]).jobs[0]!;
    const [a] = runJobs(oversubscribed, [ringJob('a', 'random'), { ...ringJob('b', 'random'), ranks: 48 }]).jobs;
    expect(a!.jctUs).toBeGreaterThan(1.1 * alone.jctUs);
  });
});

describe('background traffic', () => {
  it('flow sizes follow the CDF: the sample mean approaches the CDF mean', () => {
    const cdf = NAMED_CDFS.hadoop!;
    const rng = rngStream(1, 'test');
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += sampleSize(cdf, rng);
    expect(Math.abs(sum / n - cdfMeanBytes(cdf)) / cdfMeanBytes(cdf)).toBeLessThan(0.05);
    expect(cdfMeanBytes(NAMED_CDFS.websearch!)).toBeCloseTo(1.71e6, -5);
  });

  it('reports FCT slowdown: never below 1, and higher when the load is higher', () => {
    const topology = { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, oversubscription: 2, linkGbps: 100 };
    const slowdown = (load: number) =>
      runJobs(topology, [{ ...ringJob('a'), ranks: 8, iterations: 2, computeUs: 500 }], { load, sizes: 'alistorage' }).background!;
    const light = slowdown(0.1);
    const heavy = slowdown(0.6);
    expect(light.flows).toBeGreaterThan(50);
    expect(light.completed).toBe(light.flows);
    expect(light.slowdown.p50).toBeGreaterThanOrEqual(1);
    expect(heavy.slowdown.p99).toBeGreaterThan(light.slowdown.p99);
  });
});

describe('a flow-size CDF from a file', () => {
  it('is read relative to the spec, in the HPCC generator format, into the spec as run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabsim-cdf-'));
    writeFileSync(join(dir, 'sizes.txt'), '# bytes cumulative%\n0 0\n1000 50\n\n100000 100\n');
    writeFileSync(
      join(dir, 'spec.yaml'),
      `name: cdf
topology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 8, linkGbps: 100 }
fabrics: [ethernet]
workload: { kind: jobs, jobs: [{ ranks: 2, collectives: [{ kind: allreduce, bytes: 4096 }] }], background: { load: 0.1, sizes: { file: sizes.txt } } }
`,
    );
    const s = loadSpec(join(dir, 'spec.yaml'));
    const w = s.workload[0] as { background?: { sizes: unknown } };
    expect(w.background!.sizes).toEqual([
      [0, 0],
      [1000, 50],
      [100000, 100],
    ]);
    writeFileSync(join(dir, 'sizes.txt'), '0 0\n1000 fifty\n');
    expect(() => loadSpec(join(dir, 'spec.yaml'))).toThrow(/workload\.background\.sizes\.file: .* line 2/);
  });
});

describe('jobs starting at different times (startUs)', () => {
  const oversubscribed = { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 16, oversubscription: 4, linkGbps: 400 };
  const job = (name: string, startUs = 0) => ({ ...ringJob(name, 'random'), iterations: 2, collectives: [{ kind: 'allreduce', bytes: '1MiB' }], startUs });

  it('a job that starts after the other has finished leaves it as fast as alone; its JCT runs from its own start', () => {
    const alone = runJobs(oversubscribed, [job('a')]).jobs[0]!;
    const late = Math.ceil(10 * alone.jctUs);
    const [a, b] = runJobs(oversubscribed, [job('a'), { ...job('b', late), ranks: 48 }]).jobs;
    expect(a!.jctUs).toBe(alone.jctUs);
    expect(b!.startUs).toBe(late);
    expect(b!.jctUs).toBeCloseTo(b!.iterationUs.reduce((x, y) => x + y), 6);
    // Started together, the same two jobs do slow each other: the late start is what kept them apart.
    const [together] = runJobs(oversubscribed, [job('a'), { ...job('b'), ranks: 48 }]).jobs;
    expect(together!.jctUs).toBeGreaterThan(alone.jctUs);
  });
});
