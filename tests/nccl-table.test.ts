import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../src/experiment/sweep.js';
import { formatNcclTable } from '../src/report/nccl-table.js';

/** A sweep point whose one row carries `workload` as its label (what the runner writes). */
const point = (index: number, bytes: number, workload: string) => ({
  index,
  value: bytes,
  result: {
    experiment: 'x',
    seed: 1,
    workload: { kind: 'allreduce', bytes },
    results: [{ fabric: 'spectrum-x', workload, completed: true, completionUs: 10, algbwGBps: 1, busbwGBps: 2 }],
  },
});

describe('sweep table (nccl-tests layout)', () => {
  it('with algorithm auto, names the choice at the first size and at every size where it changes, and keeps it out of the column names', () => {
    const sweep = {
      experiment: 'auto',
      field: 'workload.bytes',
      values: [8192, 65536, 524288, 4194304],
      points: [
        point(0, 8192, 'allreduce/auto 8KiB → tree/ll x16'),
        point(1, 65536, 'allreduce/auto 64KiB → tree/ll x16'),
        point(2, 524288, 'allreduce/auto 512KiB → tree/ll128 x16'),
        point(3, 4194304, 'allreduce/auto 4MiB → ring/simple x16'),
      ],
    } as unknown as SweepResult;
    const lines = formatNcclTable(sweep).split('\n');
    expect(lines.at(-1)).toBe('# auto spectrum-x: tree/ll x16 from 8192, tree/ll128 x16 from 524288, ring/simple x16 from 4194304');
    expect(lines[1]).toContain('spectrum-x time');
    expect(lines.join('\n')).not.toMatch(/→.*time/);
  });

  it('prints no auto line when nothing was chosen', () => {
    const sweep = { experiment: 'ring', field: 'workload.bytes', values: [8192], points: [point(0, 8192, 'allreduce/ring 8KiB')] } as unknown as SweepResult;
    expect(formatNcclTable(sweep)).not.toMatch(/# auto/);
  });
});
