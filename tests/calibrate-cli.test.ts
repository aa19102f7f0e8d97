import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { parse } from 'yaml';
import { runExperiment, validateSpec, type SweepResult } from '../src/experiment/index.js';
import { formatNcclTestsSweep } from '../src/report/nccl-tests.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-calibrate-cli-'));
const topology = { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2 };
const workload = { kind: 'allreduce', algorithm: 'ring', bytes: 4096, channels: 2 };
const TRUTH = { linkDelayNs: 800, nicOverheadNs: 2000, linkGbps: 170 };
const SIZES = [4096, 16384, 65536, 262144, 1048576];

// The "measurement": fabsim's own nccl-tests output at the true values.
const truth = { name: 'testbed', topology: { ...topology, linkGbps: TRUTH.linkGbps, linkDelayNs: TRUTH.linkDelayNs }, fabrics: [{ preset: 'ethernet', nicOverheadNs: TRUTH.nicOverheadNs }], workload };
const sweep: SweepResult = {
  experiment: 'testbed',
  field: 'workload.bytes',
  values: SIZES,
  points: SIZES.map((bytes, index) => ({ index, value: bytes, result: runExperiment(validateSpec({ ...truth, workload: { ...workload, bytes } })) })),
};
const measured = join(dir, 'measured.txt');
writeFileSync(measured, formatNcclTestsSweep(sweep));
const userSpec = { name: 'mine', topology: { ...topology, linkGbps: 400, linkDelayNs: 500 }, fabrics: ['ethernet'], workload };
const specPath = join(dir, 'mine.yaml');
writeFileSync(specPath, JSON.stringify(userSpec));

describe('fabsim calibrate (command line)', () => {
  it('prints a residual per size and writes an override that, merged into the spec, is valid and holds the true values within 2%', () => {
    const out = join(dir, 'fitted.yaml');
    const r = cliSync('calibrate', measured, '--spec', specPath, '--out', out);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(SIZES);
    for (const l of rows) expect(l).toMatch(/[+−]\d+\.\d\d%$/);
    const fitted = parse(readFileSync(out, 'utf8')) as { topology: Record<string, number>; fabric: Record<string, unknown> };
    const merged = validateSpec({ ...userSpec, topology: { ...userSpec.topology, ...fitted.topology }, fabrics: [fitted.fabric] });
    const got = { linkDelayNs: merged.topology.linkDelayNs, linkGbps: merged.topology.linkGbps, nicOverheadNs: merged.fabrics[0]!.nicOverheadNs! };
    for (const k of ['linkDelayNs', 'nicOverheadNs', 'linkGbps'] as const) expect(Math.abs(got[k] - TRUTH[k]) / TRUTH[k]).toBeLessThan(0.02);
  });
});
