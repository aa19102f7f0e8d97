import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliSync, type CliOutcome } from './cli-helpers.js';
import { loadSpec, SpecError } from '../src/experiment/index.js';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-cli-'));


function specFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = `name: tiny
seed: 3
topology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkGbps: 100 }
fabrics: [ethernet, { preset: ethernet, routing: spray }]
workload: { kind: allreduce, bytes: 256KiB, channels: 2 }
`;

describe('fabsim run', () => {
  it('--json prints one JSON document with a row per fabric; --out writes result.json and result.csv', () => {
    const out = join(dir, 'out');
    const r = cliSync('run', specFile('good.yaml', good), '--json', '--out', out);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ experiment: 'tiny', seed: 3, topology: { kind: 'leaf-spine' }, workload: { kind: 'allreduce' } });
    expect(result.results.map((x: { fabric: string }) => x.fabric)).toEqual(['ethernet', 'ethernet+spray']);
    for (const key of ['completionUs', 'algbwGBps', 'busbwGBps', 'effectiveBandwidth', 'latencyUs', 'fctUs', 'bytesDelivered', 'drops', 'retransmits', 'pfcPauses', 'ecnMarks', 'events', 'wallMs'])
      expect(result.results[0]).toHaveProperty(key);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).results).toHaveLength(2);
    const csv = readFileSync(join(out, 'result.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toContain('latencyUs_p99');
  });

  // One spawn for both: the rows' labels do not depend on the seed.
  const phases = good.replace(/workload:.*\n/, 'workload: [{ kind: allreduce, bytes: 64KiB }, { kind: permutation, bytes: 64KiB, }]\n');
  let phasesRun: CliOutcome | undefined;
  const runPhasesWithSeed9 = (): CliOutcome => (phasesRun ??= cliSync('run', specFile('phases.yaml', phases), '--json', '--seed', '9'));

  it('--seed overrides the spec seed', () => {
    const r = runPhasesWithSeed9();
    expect(JSON.parse(r.stdout).seed).toBe(9);
  });

  it('a list of workloads gives a row per workload and fabric, labelled', () => {
    const r = runPhasesWithSeed9();
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).results.map((x: { workload: string; fabric: string }) => `${x.workload} | ${x.fabric}`);
    expect(rows).toEqual([
      'allreduce/ring 64KiB | ethernet',
      'allreduce/ring 64KiB | ethernet+spray',
      'permutation 64KiB | ethernet',
      'permutation 64KiB | ethernet+spray',
    ]);
  });

  it('prints a table by default', () => {
    const r = cliSync('run', specFile('table.yaml', good));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fabric +time \(us\)/m);
    expect(r.stdout).toMatch(/^ethernet\+spray /m);
  });
});

/** [what, spec text (null: no file), the line expected]. */
const BAD_SPECS: [string, string | null, RegExp][] = [
  ['a missing file', null, /spec: cannot read .*nope\.yaml/],
  ['an unknown preset', good.replace('[ethernet,', '[ethernet, warp-drive,'), /^fabsim: fabrics\.1\.preset: .*ethernet/],
  ['a negative size', good.replace('bytes: 256KiB', 'bytes: -5'), /^fabsim: workload\.bytes: /],
  ['a negative link speed', good.replace('linkGbps: 100', 'linkGbps: -100'), /^fabsim: topology\.linkGbps: /],
  ['a missing workload', good.replace(/workload:.*\n/, ''), /^fabsim: workload: required/],
  ['an unknown field', good.replace('seed: 3', 'seed: 3\ncolour: blue'), /^fabsim: colour: unknown field/],
  ['a size that is not one', good.replace('256KiB', '12 parsecs'), /^fabsim: workload\.bytes: expected a size/],
  ['GPUs that do not fill whole leaves', good.replace('gpus: 8', 'gpus: 10'), /^fabsim: topology\.gpus: must be a multiple/],
  ['an unknown workload', good.replace('kind: allreduce', 'kind: telepathy'), /^fabsim: workload\.kind: expected one of/],
  ['more incast senders than GPUs', good.replace(/workload:.*\n/, 'workload: { kind: incast, senders: 8, bytes: 1MiB }\n'), /^fabsim: workload\.senders: /],
  ['a PFC buffer too small for its headroom', good.replace('{ preset: ethernet, routing: spray }', '{ preset: roce, bufferBytesPerPort: 8KiB }'), /^fabsim: fabrics\.1\.bufferBytesPerPort: PFC needs/],
  ['YAML that does not parse', 'name: [unclosed', /^fabsim: spec: .* not valid YAML/],
];

const specPathFor = (label: string, text: string | null) => (text === null ? join(dir, 'nope.yaml') : specFile(`${label.replace(/\W+/g, '-')}.yaml`, text));

/**
 * Each stage that can reject a spec, through the CLI: reading the file, parsing it, the schema,
 * and a check across fields of the resolved fabric. Every bad spec reaches the CLI the same way
 * (loadSpec throws a SpecError, the CLI prints its message as one line), so the rest of
 * BAD_SPECS are checked in-process below, without a CLI start each.
 */
const THROUGH_THE_CLI = ['a missing file', 'YAML that does not parse', 'an unknown field', 'a PFC buffer too small for its headroom'];

describe('bad input exits 2 with one line naming the field, and writes nothing', () => {
  it.each(BAD_SPECS.filter(([label]) => THROUGH_THE_CLI.includes(label)))('%s', (label, text, message) => {
    const out = join(dir, `out-${label.replace(/\W+/g, '-')}`);
    const r = cliSync('run', specPathFor(label, text), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it.each(BAD_SPECS.filter(([label]) => !THROUGH_THE_CLI.includes(label)))('%s: loadSpec throws the SpecError whose one line the CLI prints', (label, text, message) => {
    let error: unknown;
    try {
      loadSpec(specPathFor(label, text));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const { message: line } = error as SpecError;
    expect(line.split('\n')).toHaveLength(1);
    expect(`fabsim: ${line}`).toMatch(message); // as fail() in src/cli/fail.ts prints it
  });

  it('a bad --seed', () => {
    const r = cliSync('run', specFile('s.yaml', good), '--seed', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seed/);
  });
});
