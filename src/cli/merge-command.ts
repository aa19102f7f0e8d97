import { z } from 'zod';
import { readUserFile } from '../experiment/read-user-file.js';
import { SpecError } from '../experiment/spec-error.js';
import { mergeSweeps, type SweepResult } from '../experiment/sweep.js';
import { formatNcclTable } from '../report/nccl-table.js';
import { formatNcclTestsSweep, isNcclTestsWorkload } from '../report/nccl-tests.js';
import { sweepFiles } from '../report/write-results.js';
import { writeFilesWhole } from '../report/write-whole.js';
import { checkOutDir, fail } from './fail.js';
import { checkNcclTestsWorkloads, parseFormat } from './format-option.js';

/** A sweep.json's shards can be large (a point per value, time series per fabric): up to 256 MiB. */
const MAX_SHARD_BYTES = 2 ** 28;

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
/** What merge and its reports read of a sweep.json; other fields pass through untouched. */
const fabricRow = z.looseObject({ fabric: z.string(), workload: z.string(), completed: z.boolean(), completionUs: finite, algbwGBps: finite, busbwGBps: finite });
const sweepResultSchema = z.looseObject({
  experiment: z.string(),
  field: z.string(),
  values: z.array(z.union([z.string(), finite])).min(1),
  shard: z.strictObject({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  points: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      value: z.union([z.string(), finite]),
      result: z.looseObject({ workload: z.union([z.looseObject({}), z.array(z.looseObject({}))]), results: z.array(fabricRow).min(1) }),
    }),
  ),
});

/** One shard read and checked: a sweep.json that `fabsim sweep --out` wrote, or a one-line error. */
function readShard(path: string): SweepResult {
  let document: unknown;
  try {
    document = JSON.parse(readUserFile(path, { field: 'merge', maxBytes: MAX_SHARD_BYTES }));
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(`merge: ${path} is not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = sweepResultSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SpecError(`merge: ${path} is not a sweep.json of fabsim sweep (${issue.path.join('.') || 'document'}: ${issue.message})`);
  }
  const sweep = document as SweepResult; // as written (the parsed copy reorders keys)
  const outside = sweep.points.find((p) => p.index >= sweep.values.length);
  if (outside) throw new SpecError(`merge: ${path}: point index ${outside.index} is beyond its ${sweep.values.length} values`);
  return sweep;
}

/** The workloads of the sweep's first point, as --format nccl-tests checks them (every point has the same kinds). */
function workloadsOf(sweep: SweepResult): { kind: string }[] {
  const w = sweep.points[0]?.result.workload as unknown;
  return (Array.isArray(w) ? w : [w]).map((x) => ({ kind: String((x as { kind?: unknown } | undefined)?.kind) }));
}

/** `fabsim merge`: the shards' sweep.json files joined into one sweep; every file is made before any is written. */
export function mergeCommand(paths: string[], options: { json?: boolean; out?: string; format?: string }): void {
  const format = parseFormat(options.format, options.json);
  try {
    const sweep = mergeSweeps(paths.map(readShard));
    if (format === 'nccl-tests') checkNcclTestsWorkloads(format, workloadsOf(sweep), isNcclTestsWorkload);
    const files = options.out === undefined ? [] : sweepFiles(sweep);
    const table = format === 'nccl-tests' ? formatNcclTestsSweep(sweep) : formatNcclTable(sweep);
    const text = options.json ? `${JSON.stringify(sweep, null, 2)}\n` : `${table}\n`;
    checkOutDir(options.out);
    if (options.out !== undefined) writeFilesWhole(options.out, files);
    process.stdout.write(text);
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
}
