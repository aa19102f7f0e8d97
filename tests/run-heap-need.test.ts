import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNeedsLargerHeap } from '../src/cli/run-heap-need.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-heap-need-'));
const spec = (name: string, topology: string, fabrics = '[ethernet]') => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\nseed: 1\ntopology: ${topology}\nfabrics: ${fabrics}\nworkload: { kind: permutation, bytes: 4KiB }\n`);
  return path;
};

describe('which runs relaunch the CLI with a larger heap', () => {
  // Estimates (run-jobs.ts): 79 KiB a GPU on the packet model, 12 KiB on the flow model; a run
  // stays in-process while 4× its estimate fits the heap limit.
  const limitMiB = 4096;

  it('a 512-GPU packet run stays (4 × 512 × 79 KiB = 158 MiB); 65,536 GPUs does not (20 GiB)', () => {
    expect(runNeedsLargerHeap(spec('small', '{ kind: leaf-spine, gpus: 512, gpusPerLeaf: 32 }'), limitMiB)).toBe(false);
    expect(runNeedsLargerHeap(spec('big', '{ kind: leaf-spine, gpus: 65536, gpusPerLeaf: 64 }'), limitMiB)).toBe(true);
  });

  it('the flow model needs less: 65,536 GPUs fit (4 × 65,536 × 12 KiB = 3 GiB) unless one fabric is packet-level', () => {
    const topology = '{ kind: leaf-spine, gpus: 65536, gpusPerLeaf: 64 }';
    expect(runNeedsLargerHeap(spec('flow', topology, '[{ preset: ethernet, model: flow }]'), limitMiB)).toBe(false);
    expect(runNeedsLargerHeap(spec('mixed', topology, '[{ preset: ethernet, model: flow }, ethernet]'), limitMiB)).toBe(true);
  });

  it('an invalid or missing spec needs none: the command reports it in-process', () => {
    expect(runNeedsLargerHeap(spec('bad', '{ kind: leaf-spine, gpus: -1 }'), limitMiB)).toBe(false);
    expect(runNeedsLargerHeap(join(dir, 'missing.yaml'), limitMiB)).toBe(false);
  });
});
