import { availableParallelism } from 'node:os';
import { readSpecDocument, SpecError, validateSpec } from '../experiment/load-spec.js';
import type { ExperimentResult } from '../experiment/result.js';
import { shardIndices, sweepValues, withField, type SweepResult } from '../experiment/sweep.js';
import { formatNcclTable } from '../report/nccl-table.js';
import { sweepFiles } from '../report/write-results.js';
import { writeFilesWhole } from '../report/write-whole.js';
import { checkOutDir, fail, parseSeed } from './fail.js';
import { runExperimentThreaded } from '../experiment/threads/threads-run.js';
import { threadsProblem } from '../experiment/threads/threads-support.js';
import { parseThreads } from './run-threads.js';
import { runOnWorkers } from './worker-pool.js';
import { checkNcclTestsWorkloads, parseFormat } from './format-option.js';
import { formatNcclTestsSweep, isNcclTestsWorkload } from '../report/nccl-tests.js';

export const SWEEP_USAGE = `fabsim sweep SPEC [--shard I/N] [--json] [--out DIR] [--seed N] [--format F] [--threads N]
       fabsim merge SHARD.json... [--json] [--out DIR] [--format F]

  sweep       runs the spec once per value of its sweep: { field, values } (e.g.
              field: workload.bytes, values: 8KiB..1GiB x2), points in parallel on
              worker threads; prints an nccl-tests style table
  --shard I/N runs only every N-th point from the I-th (0-based), for job arrays
  --format F  table (default) or nccl-tests: nccl-tests' own columns, a block per fabric
  --threads N runs the points one after another, each run split over N threads (the
              parallel packet engine, as run --threads: large fabrics; the same table
              for every N)
  merge       joins the sweep.json of the shards into the whole sweep (--format as sweep's)`;

export interface SweepOptions {
  json?: boolean;
  out?: string;
  seed?: string;
  shard?: string;
  format?: string;
  threads?: string;
}

const specErrorsExit = <T>(f: () => T): T => {
  try {
    return f();
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
};

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || count < 1 || index >= count) fail(`--shard: expected I/N with 0 ≤ I < N, got "${text}"`);
  return { index, count };
}

/** `fabsim sweep`: every point validated first (nothing runs on a bad value), then run in parallel. */
export async function sweepCommand(specPath: string, options: SweepOptions): Promise<void> {
  const seed = parseSeed(options.seed);
  const shard = parseShard(options.shard);
  const format = parseFormat(options.format, options.json);
  const threads = parseThreads(options.threads);
  checkOutDir(options.out);
  const { document, values, field, name } = specErrorsExit(() => {
    const raw = readSpecDocument(specPath);
    if (seed !== undefined) raw.seed = seed;
    const spec = validateSpec(raw);
    if (spec.sweep === undefined) throw new SpecError('sweep: the spec has no sweep: { field, values } section');
    checkNcclTestsWorkloads(format, spec.workload, isNcclTestsWorkload);
    const vals = sweepValues(spec.sweep);
    for (const v of vals) {
      const point = validateSpec(withField(raw, spec.sweep.field, v));
      // Every point must run on threads before any does.
      const problem = threads === undefined ? null : threadsProblem(point, { threads });
      if (problem !== null) fail(`${problem} (at ${spec.sweep.field} = ${v})`);
    }
    return { document: raw, values: vals, field: spec.sweep.field, name: spec.name };
  });
  const indices = shard ? shardIndices(values.length, shard.index, shard.count) : values.map((_, i) => i);
  const tasks = indices.map((index) => ({ index, document: withField(document, field, values[index]) }));
  const workers = Math.max(1, availableParallelism());
  const how = threads === undefined ? `on ${Math.min(workers, tasks.length)} threads` : `one after another, each run on ${threads} thread${threads === 1 ? '' : 's'}`;
  process.stderr.write(`fabsim: sweeping ${field} over ${tasks.length} of ${values.length} points ${how}\n`);
  type Reply = { index: number; result: ExperimentResult; specError?: string };
  const replies: Reply[] =
    threads === undefined
      ? await runOnWorkers<(typeof tasks)[number], Reply>(new URL('./sweep-worker-boot.mjs', import.meta.url), tasks, workers)
      : await sweepOnThreads(tasks, threads);
  const refused = replies.find((r) => r.specError !== undefined);
  if (refused) fail(refused.specError!);
  const sweep: SweepResult = {
    experiment: name,
    field,
    values,
    ...(shard ? { shard } : {}),
    points: replies.map(({ index, result }) => ({ index, value: values[index]!, result })),
  };
  emit(sweep, options);
}

/** The points one after another, each run on the parallel engine (the whole machine's threads go to one run). */
async function sweepOnThreads(tasks: { index: number; document: Record<string, unknown> }[], threads: number): Promise<{ index: number; result: ExperimentResult }[]> {
  const replies: { index: number; result: ExperimentResult }[] = [];
  for (const { index, document } of tasks) replies.push({ index, result: await runExperimentThreaded(validateSpec(document), threads) });
  return replies;
}

function emit(sweep: SweepResult, options: SweepOptions): void {
  if (options.out !== undefined) writeSweep(options.out, sweep);
  const table = options.format === 'nccl-tests' ? formatNcclTestsSweep(sweep) : formatNcclTable(sweep);
  process.stdout.write(options.json ? `${JSON.stringify(sweep, null, 2)}\n` : `${table}\n`);
}

/** sweep.json, sweep.csv and sweep.html, each whole or not at all (report/write-results.ts). */
function writeSweep(dir: string, sweep: SweepResult): void {
  writeFilesWhole(dir, sweepFiles(sweep));
}
