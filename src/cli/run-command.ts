import { loadSpec, runExperiment, SpecError, type ExperimentSpec } from '../experiment/index.js';
import { formatTable, writeResults } from '../report/index.js';
import { checkOutDir, fail, parseSeed } from './fail.js';

export const RUN_USAGE = `fabsim run SPEC [--json] [--out DIR] [--seed N]

  SPEC        experiment spec, YAML or JSON (see experiments/)
  --json      print one JSON document on stdout instead of the table
  --out DIR   also write DIR/result.json and DIR/result.csv
  --seed N    override the spec's seed`;

export interface RunOptions {
  json?: boolean;
  out?: string;
  seed?: string;
}

/** `fabsim run`: every workload of the spec on every fabric; a table or JSON on stdout. */
export function runCommand(specPath: string, options: RunOptions): void {
  const seed = parseSeed(options.seed);
  checkOutDir(options.out);

  let spec: ExperimentSpec;
  try {
    spec = loadSpec(specPath);
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
  if (seed !== undefined) spec = { ...spec, seed };

  let result;
  try {
    result = runExperiment(spec, (r) =>
      process.stderr.write(`fabsim: ${r.fabric} done in ${(r.wallMs / 1000).toFixed(1)} s (${r.events} events)\n`),
    );
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
  if (options.out !== undefined) writeResults(options.out, result);
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`);
}
