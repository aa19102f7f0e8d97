import { readFileSync } from 'node:fs';
import { loadSpec, modelOf, planRuns, runExperimentLive, SpecError, type ExperimentResult, type ExperimentSpec, type Progress } from '../experiment/index.js';
import { shapeOf } from '../fabric/index.js';
import { formatAttributionTable, formatFlowsCsv, formatJobsTable, formatJson, formatTable, writeResults } from '../report/index.js';
import { checkFlowsFile, checkOutDir, fail, parseSampleUs, parseSeed, writeFileWhole } from './fail.js';
import { acknowledgeInterrupt } from './heap-limit.js';
import { progressWriter } from './progress.js';
import { checkNcclTestsWorkloads, parseFormat } from './format-option.js';
import { formatNcclTestsRun, isNcclTestsWorkload } from '../report/nccl-tests.js';
import { hpccFctFiles } from '../report/hpcc-fct.js';
import { runExperimentOnWorkers } from './run-parallel.js';
import { discardPrestartedRunWorker } from './run-worker-prestart.js';
import { recordRunDurations } from './run-durations.js';
import { defaultJobs, parseJobs } from './run-jobs.js';
import { checkThreads, parseThreads, runThreadsCommand } from './run-threads.js';

export const RUN_USAGE = `fabsim run SPEC [--json] [--out DIR] [--seed N] [--sample-us T] [--flows FILE.csv] [--flows-format csv|hpcc] [--format F] [--jobs N] [--threads N] [--explain]

  SPEC          experiment spec, YAML or JSON (see experiments/)
  --json        print one JSON document on stdout instead of the table
  --out DIR     also write DIR/result.json, DIR/result.csv and DIR/report.html
  --seed N      override the spec's seed
  --sample-us T sample the time series every T µs of simulated time
                (default: a few hundred samples per run)
  --flows FILE  write each message's FCT (permutation, incast, matrix) to FILE as
                CSV, and add them to the JSON rows as "flows"
  --flows-format hpcc  write --flows as the HPCC simulator's fct.txt instead (sip dip
                sport dport size start fct standalone_fct, ns); one file per fabric row
  --format F    table (default) or nccl-tests: per fabric, nccl-tests' own columns,
                one row per collective workload, for the scripts that parse them
  --jobs N      runs (fabric × workload) at once, each on its own worker thread
                (default: one per core, fewer when the runs are large for the memory);
                the output is the same as with --jobs 1 (one after another) but wallMs
  --threads N   split each run over N worker threads (the parallel packet engine: a
                subset of specs, see README "--threads"); rows and time series are identical
                for every N but may differ from a run without --threads in same-picosecond
                tie order (not with --explain; with --jobs J, J such runs at once)
  --explain     split each completion time along its critical path into serialization,
                propagation, queueing per tier, PFC pauses, retransmission, throttling,
                NVLink and step latency, with the five costliest links: a table after the
                results, "attribution" in the JSON rows, a bar per fabric in the report

  Progress goes to stderr. Ctrl-C stops the run and prints and writes the results so
  far, marked partial, then exits with code 130.`;

export interface RunOptions {
  json?: boolean;
  out?: string;
  seed?: string;
  'sample-us'?: string;
  flows?: string;
  'flows-format'?: string;
  format?: string;
  jobs?: string;
  threads?: string;
  explain?: boolean;
}

/** Exit code of a run stopped by SIGINT, as shells report it (128 + 2). */
export const INTERRUPTED_EXIT_CODE = 130;

/** `fabsim run`: every workload of the spec on every fabric; a table or JSON on stdout. */
export async function runCommand(specPath: string, options: RunOptions): Promise<void> {
  const seed = parseSeed(options.seed);
  const sampling = parseSampleUs(options['sample-us']);
  const jobsAsked = parseJobs(options.jobs);
  checkOutDir(options.out);
  checkFlowsFile(options.flows);
  const flowsFormat = options['flows-format'] ?? 'csv';
  if (flowsFormat !== 'csv' && flowsFormat !== 'hpcc') fail(`--flows-format: expected "csv" or "hpcc", got "${flowsFormat}"`);
  if (options['flows-format'] !== undefined && options.flows === undefined) fail('--flows-format: give --flows FILE too');
  const format = parseFormat(options.format, options.json);

  let spec: ExperimentSpec;
  try {
    spec = loadSpec(specPath);
    if (seed !== undefined) spec = { ...spec, seed };
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
  checkNcclTestsWorkloads(format, spec.workload, isNcclTestsWorkload);
  const threads = parseThreads(options.threads);
  if (threads !== undefined) checkThreads(spec, threads, options);
  const specText = readFileSync(specPath, 'utf8');
  const outputs: RunOutputs = { out: options.out, flows: options.flows, flowsFormat, format, json: options.json === true, explain: options.explain === true, specText, specPath };

  const progress = progressWriter();
  const interrupt = new AbortController();
  const onSigint = () => {
    acknowledgeInterrupt();
    // A second Ctrl-C leaves at once; files are only ever replaced whole, so none is torn.
    if (interrupt.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    progress.log('fabsim: interrupted: stopping, then writing the partial results (Ctrl-C again to quit now)');
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  const runs = spec.workload.length * spec.fabrics.length;
  const packet = planRuns(spec).some((r) => modelOf(r.config) === 'packet');
  // With --threads the threads already take the cores: one run at a time unless asked.
  const jobs = jobsAsked ?? (threads !== undefined ? 1 : defaultJobs(runs, shapeOf(spec.topology).gpus, packet ? 'packet' : 'flow'));
  const atOnce = jobs > 1 ? `, ${Math.min(jobs, runs)} at once` : '';
  const split = threads !== undefined ? `, each on ${threads} thread${threads === 1 ? '' : 's'}` : '';
  progress.log(`fabsim: ${spec.name}: ${runs} run${runs === 1 ? '' : 's'}${atOnce}${split} (Ctrl-C stops and keeps the results so far)`);

  let result: ExperimentResult;
  const live = {
    sampling,
    flows: options.flows !== undefined,
    explain: options.explain === true,
    signal: interrupt.signal,
    onResult: (r: ExperimentResult['results'][number]) =>
      progress.log(`fabsim: ${r.fabric} ${r.completed ? 'done' : 'stopped'} in ${(r.wallMs / 1000).toFixed(1)} s (${r.events} events)`),
  };
  const onProgress = (running: Progress[], finished: number) =>
    running.length === 1 && jobs === 1 ? progress.update(running[0]!) : progress.updateAll(running, finished, runs);
  try {
    // --jobs 1 (or one run, or one core) is the sequential path, on this thread.
    const parallel = jobs > 1 && runs > 1;
    if (!parallel || threads !== undefined) discardPrestartedRunWorker();
    if (threads !== undefined) {
      // The table shows no time series: sample only for what prints or writes them.
      const sampled = options.out !== undefined || options.json === true;
      const outputsOfParts = { flows: options.flows !== undefined, ...(sampled ? { sampling } : {}) };
      result = await runThreadsCommand(spec, threads, outputsOfParts, jobs, { signal: interrupt.signal, onProgress, log: (line) => progress.log(line) });
    } else
      result = parallel
        ? await runExperimentOnWorkers(spec, jobs, { ...live, onProgress })
        : await runExperimentLive(spec, { ...live, onProgress: (p) => progress.update(p) });
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  } finally {
    progress.clear();
  }
  if (!result.partial) recordRunDurations(spec, result.results.map((r) => r.wallMs));
  writeRunOutputs(result, outputs);
  process.off('SIGINT', onSigint);
  if (result.partial) process.exitCode = INTERRUPTED_EXIT_CODE;
}

/** What `fabsim run` writes and prints, options checked. */
interface RunOutputs {
  out: string | undefined;
  flows: string | undefined;
  flowsFormat: string;
  format: ReturnType<typeof parseFormat>;
  json: boolean;
  explain: boolean;
  specText: string;
  specPath: string;
}

/** The files asked for, then the table, JSON or nccl-tests columns on stdout: the same with or without --threads. */
function writeRunOutputs(result: ExperimentResult, o: RunOutputs): void {
  if (o.out !== undefined) writeResults(o.out, result, { specText: o.specText, specPath: o.specPath });
  if (o.flows !== undefined && o.flowsFormat === 'hpcc') for (const [path, text] of hpccFctFiles(result.results, o.flows)) writeFileWhole(path, text);
  else if (o.flows !== undefined) writeFileWhole(o.flows, formatFlowsCsv(result));
  const jobsTable = formatJobsTable(result);
  if (o.format === 'nccl-tests') process.stdout.write(`${formatNcclTestsRun(result)}\n`);
  else process.stdout.write(o.json ? `${formatJson(result)}\n` : `${formatTable(result)}\n${jobsTable ? `${jobsTable}\n` : ''}`);
  const explained = o.explain && !o.json && o.format !== 'nccl-tests' ? formatAttributionTable(result) : '';
  if (explained) process.stdout.write(`${explained}\n`);
}
