#!/usr/bin/env -S npx tsx
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSpec, runExperiment, SpecError, type ExperimentSpec } from './experiment/index.js';
import { formatTable, writeResults } from './report/index.js';

const USAGE = `usage: fabsim run SPEC [--json] [--out DIR] [--seed N]

  SPEC        experiment spec, YAML or JSON (see experiments/)
  --json      print one JSON document on stdout instead of the table
  --out DIR   also write DIR/result.json and DIR/result.csv
  --seed N    override the spec's seed`;

function fail(message: string): never {
  process.stderr.write(`fabsim: ${message}\n`);
  process.exit(2);
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(`--seed: expected a non-negative integer, got "${text}"`);
  return Number(text);
}

function checkOutDir(dir: string | undefined): void {
  if (dir === undefined) return;
  try {
    if (!statSync(dir).isDirectory()) fail(`--out: ${dir} exists and is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(`--out: cannot use ${dir}`);
  }
}

function main(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        out: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [command, specPath, ...extra] = positionals;
  if (command !== 'run') fail(`command: expected "run", got ${command === undefined ? 'nothing' : `"${command}"`} (see --help)`);
  if (specPath === undefined) fail('SPEC: missing the path of an experiment spec (see --help)');
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}" (see --help)`);
  const seed = parseSeed(values.seed);
  checkOutDir(values.out);

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
  if (values.out !== undefined) writeResults(values.out, result);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`);
}

main(process.argv.slice(2));
