#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { fail } from './cli/fail.js';
import { relaunchWithLargerHeap } from './cli/heap-limit.js';
import { EXPORT_MATRIX_USAGE, exportMatrixCommand } from './cli/export-matrix-command.js';
import { RUN_USAGE, runCommand } from './cli/run-command.js';
import { mergeCommand, SWEEP_USAGE, sweepCommand } from './cli/sweep-command.js';

const USAGE = `usage: ${RUN_USAGE}\n       ${SWEEP_USAGE}\n       ${EXPORT_MATRIX_USAGE}`;

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
        shard: { type: 'string' },
        'sample-us': { type: 'string' },
        flows: { type: 'string' },
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
  if (command === 'merge') {
    if (positionals.length < 2) fail('merge: give the sweep.json of each shard (see --help)');
    mergeCommand(positionals.slice(1), values);
    return;
  }
  if (command === 'export-matrix') {
    if (specPath === undefined) fail('SPEC: missing the path of an experiment spec (see --help)');
    if (extra.length > 0) fail(`unexpected argument "${extra[0]}" (see --help)`);
    exportMatrixCommand(specPath, values);
    return;
  }
  if (command !== 'run' && command !== 'sweep')
    fail(`command: expected "run", "sweep", "merge" or "export-matrix", got ${command === undefined ? 'nothing' : `"${command}"`} (see --help)`);
  if (specPath === undefined) fail('SPEC: missing the path of an experiment spec (see --help)');
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}" (see --help)`);
  if (relaunchWithLargerHeap()) return;
  if (command === 'sweep') void sweepCommand(specPath, values);
  else void runCommand(specPath, values);
}

main(process.argv.slice(2));
