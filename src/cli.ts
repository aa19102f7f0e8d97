#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { checkOutDir, fail, handleSignalsAndErrors, parseSampleUs, parseSeed } from './cli/fail.js';
import { dieWithParent, relaunchWithLargerHeap } from './cli/heap-limit.js';
import { parseJobs } from './cli/run-jobs.js';
import { discardPrestartedRunWorker, prestartRunWorker } from './cli/run-worker-prestart.js';
import { allowOutsideFiles } from './experiment/read-user-file.js';

// The commands (and the simulator behind them) load only once the arguments are valid,
// so a mistyped command line gets its one line at once.
const ALLOW_OUTSIDE_USAGE = `  --allow-outside-files  let a spec read files (background.sizes: { file }, a matrix file) outside its
                         own folder; by default paths are relative to the spec's folder
                         and may not leave it`;

const SCHEMA_USAGE = `fabsim schema        prints the JSON Schema (draft 2020-12) of a spec, for editors and generators`;

const OPTIONS = {
  json: { type: 'boolean' },
  out: { type: 'string' },
  seed: { type: 'string' },
  shard: { type: 'string' },
  'sample-us': { type: 'string' },
  'allow-outside-files': { type: 'boolean' },
  flows: { type: 'string' },
  format: { type: 'string' },
  'flows-format': { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  explain: { type: 'boolean' },
  spec: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options each command takes: any other is an error, never silently ignored. */
const COMMAND_OPTIONS: Record<string, (keyof typeof OPTIONS)[]> = {
  run: ['json', 'out', 'seed', 'sample-us', 'allow-outside-files', 'flows', 'flows-format', 'format', 'jobs', 'threads', 'explain'],
  sweep: ['json', 'out', 'seed', 'shard', 'allow-outside-files', 'format', 'threads'],
  merge: ['json', 'out', 'format'],
  'export-matrix': ['out', 'seed', 'allow-outside-files'],
  'export-topology': ['out', 'allow-outside-files'],
  schema: [],
  calibrate: ['spec', 'out', 'json', 'allow-outside-files'],
};

/** "--seed -1" as "--seed=-1": parseArgs calls a value starting with "-" ambiguous; the option's own check then names it. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [arg, next] = [argv[i]!, argv[i + 1]];
    const option = arg.startsWith('--') ? OPTIONS[arg.slice(2) as keyof typeof OPTIONS] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), allowPositionals: true, options: OPTIONS });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    const [{ RUN_USAGE }, { SWEEP_USAGE }, { EXPORT_MATRIX_USAGE }, { EXPORT_TOPOLOGY_USAGE }, { CALIBRATE_USAGE }] = await Promise.all([
      import('./cli/run-command.js'),
      import('./cli/sweep-command.js'),
      import('./cli/export-matrix-command.js'),
      import('./cli/export-topology-command.js'),
      import('./cli/calibrate-command.js'),
    ]);
    process.stdout.write(
      `usage: ${RUN_USAGE}\n       ${SWEEP_USAGE}\n       ${EXPORT_MATRIX_USAGE}\n       ${EXPORT_TOPOLOGY_USAGE}\n       ${SCHEMA_USAGE}\n       ${CALIBRATE_USAGE}\n\n${ALLOW_OUTSIDE_USAGE}\n`,
    );
    return;
  }
  const [command, specPath, ...extra] = positionals;
  const COMMANDS = ['run', 'sweep', 'merge', 'export-matrix', 'export-topology', 'schema', 'calibrate'];
  if (command === undefined || !COMMANDS.includes(command))
    fail(`command: expected "run", "sweep", "merge", "export-matrix", "export-topology", "schema" or "calibrate", got ${command === undefined ? 'nothing' : `"${command}"`} (see --help)`);
  const allowed = COMMAND_OPTIONS[command]!;
  const stray = Object.keys(values).find((k) => !allowed.includes(k as keyof typeof OPTIONS));
  if (stray !== undefined) fail(`--${stray}: not an option of "${command}" (it takes ${allowed.map((o) => `--${o}`).join(', ') || 'none'}; see --help)`);
  allowOutsideFiles(values['allow-outside-files'] === true);
  if (command === 'merge') {
    handleSignalsAndErrors();
    if (positionals.length < 2) fail('merge: give the sweep.json of each shard (see --help)');
    (await import('./cli/merge-command.js')).mergeCommand(positionals.slice(1), values);
    return;
  }
  if (command === 'schema') {
    if (positionals.length > 1) fail(`unexpected argument "${positionals[1]}" (schema takes none; see --help)`);
    handleSignalsAndErrors();
    process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1)); // `fabsim schema | head`
    const { specJsonSchema } = await import('./experiment/json-schema.js');
    process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
    return;
  }
  if (command === 'calibrate') {
    if (specPath === undefined) fail('calibrate: give the nccl-tests output to fit (see --help)');
    if (extra.length > 0) fail(`unexpected argument "${extra[0]}" (see --help)`);
    handleSignalsAndErrors();
    (await import('./cli/calibrate-command.js')).calibrateCommand(specPath, values);
    return;
  }
  if (specPath === undefined) fail('SPEC: missing the path of an experiment spec (see --help)');
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}" (see --help)`);
  if (command === 'export-topology') return (await import('./cli/export-topology-command.js')).exportTopologyCommand(specPath, values);
  if (command === 'export-matrix') {
    handleSignalsAndErrors();
    (await import('./cli/export-matrix-command.js')).exportMatrixCommand(specPath, values);
    return;
  }
  // What needs no spec is checked before anything loads, the output folder made (fail.ts).
  parseSeed(values.seed);
  parseSampleUs(values['sample-us']);
  const jobs = parseJobs(values.jobs);
  checkOutDir(values.out);
  // A run on worker threads: one starts loading now, beside this thread's loading.
  if (command === 'run' && values.threads === undefined && (jobs ?? 2) > 1) prestartRunWorker();
  // A sweep's points may grow the topology, and --threads holds one network per thread: those always get the larger heap.
  const largeHeap = command === 'sweep' || values.threads !== undefined || (await import('./cli/run-heap-need.js')).runNeedsLargerHeap(specPath);
  if (largeHeap && relaunchWithLargerHeap()) {
    discardPrestartedRunWorker();
    return;
  }
  dieWithParent();
  handleSignalsAndErrors();
  if (command === 'sweep') await (await import('./cli/sweep-command.js')).sweepCommand(specPath, values);
  else await (await import('./cli/run-command.js')).runCommand(specPath, values);
}

void main(process.argv.slice(2));
