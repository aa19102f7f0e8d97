import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/experiment/index.js';
import { formatCsv } from '../src/report/csv.js';
import { spec } from './helpers.js';

describe('CSV output', () => {
  it('flattens nested fields at any depth: a jobs row has a column per job field, no "[object Object]"', () => {
    const s = spec({
      topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4 },
      workload: { kind: 'jobs', jobs: [{ name: 'a', ranks: 2, collectives: [{ kind: 'allreduce', bytes: 4096 }] }] },
    });
    const result = runExperiment(s);
    const [header, row] = formatCsv(result).trim().split('\n');
    expect(formatCsv(result)).not.toContain('[object Object]');
    const columns = header!.split(',');
    const jct = columns.indexOf('jobs_0_jctUs');
    expect(jct).toBeGreaterThan(0);
    const job = (result.results[0] as unknown as { jobs: { jctUs: number }[] }).jobs[0]!;
    expect(Number(row!.split(',')[jct])).toBe(job.jctUs);
    expect(columns).toContain('latencyUs_p99');
  });
});
