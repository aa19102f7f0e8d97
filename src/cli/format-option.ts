import { fail } from './fail.js';

/** --format: the default table, or nccl-tests' own layout (report/nccl-tests.ts). */
export type OutputFormat = 'table' | 'nccl-tests';

export function parseFormat(text: string | undefined, json: boolean | undefined): OutputFormat {
  if (text === undefined) return 'table';
  if (text !== 'table' && text !== 'nccl-tests') fail(`--format: expected "table" or "nccl-tests", got "${text}"`);
  if (json && text !== 'table') fail('--format: --json prints JSON; give one of --json and --format');
  return text;
}

/** --format nccl-tests needs at least one collective: nccl-tests has no test for the other workloads. */
export function checkNcclTestsWorkloads(format: OutputFormat, workloads: { kind: string }[], isCollective: (w: { kind: string }) => boolean): void {
  if (format === 'nccl-tests' && !workloads.some(isCollective))
    fail(`--format nccl-tests: the spec has no collective workload (allreduce, allgather, reducescatter, alltoall, broadcast), got ${workloads.map((w) => `"${w.kind}"`).join(', ')}`);
}
