import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { bytesSweep } from './sweep-helpers.js';
import { formatNcclTable } from '../src/report/nccl-table.js';
import { formatNcclTestsSweep } from '../src/report/nccl-tests.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-merge-format-'));
const doc = {
  name: 'merge-format',
  topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, linkGbps: 100 },
  fabrics: ['ethernet'],
  workload: { kind: 'allreduce', bytes: 4096 },
};
const sizes = [4096, 16384, 65536];
const whole = bytesSweep(doc, sizes);
const points = whole.points;
// Two shards as `sweep --shard i/2 --out` writes them: every other point.
const shards = [0, 1].map((i) => {
  const path = join(dir, `shard${i}.json`);
  writeFileSync(path, JSON.stringify({ ...whole, shard: { index: i, count: 2 }, points: points.filter((p) => p.index % 2 === i) }));
  return path;
});

const merge = (...args: string[]) => cliSync('merge', ...shards, ...args);

describe('fabsim merge --format', () => {
  it('nccl-tests prints what sweep --format nccl-tests prints for the whole sweep', () => {
    const r = merge('--format', 'nccl-tests');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${formatNcclTestsSweep(whole)}\n`);
    // The blocks differ from the default table, so the option is not silently ignored.
    expect(r.stdout).not.toBe(`${formatNcclTable(whole)}\n`);
  });

  it('a format it does not know is a one-line error with exit 2', () => {
    const bad = merge('--format', 'xml');
    expect([bad.code, bad.stderr]).toEqual([2, 'fabsim: --format: expected "table" or "nccl-tests", got "xml"\n']);
  });
});
