import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { parse } from 'yaml';
import { validateSpec } from '../src/experiment/load-spec.js';

const printed = cliSync('schema');
const schema = JSON.parse(printed.stdout) as Record<string, unknown>;
const validate = new Ajv2020({ strict: false, allErrors: false }).compile(schema);
const specs = readdirSync('experiments', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('topologies/')) // topologies/: graph files a spec names, not specs
  .map((f) => ({ file: f, doc: parse(readFileSync(join('experiments', f), 'utf8')) as Record<string, unknown> }));

describe('fabsim schema', () => {
  it('prints valid JSON: a draft 2020-12 schema ajv compiles', () => {
    expect(printed.code).toBe(0);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.each(specs.map((s) => [s.file, s.doc] as const))('accepts %s', (_file, doc) => {
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
  });

  it('accepts the shorthands users write: a preset name, one workload, sizes as text, nccl variables', () => {
    const doc = {
      name: 'x',
      topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4 },
      fabrics: ['roce', { preset: 'ethernet', mtuBytes: '4KiB' }],
      workload: { kind: 'allreduce', bytes: '64MiB', nccl: { NCCL_ALGO: 'Tree', NCCL_MIN_NCHANNELS: 4, NCCL_MAX_NCHANNELS: '16' } },
      nccl: { NCCL_PROTO: 'LL128' },
    };
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(() => validateSpec(doc)).not.toThrow();
  });

  it('rejects what fabsim rejects field by field: an unknown field, kind, preset, size or NCCL variable', () => {
    const base = specs.find((s) => s.file === 'spectrum-x-vs-ethernet.yaml')!.doc;
    const bad = [
      { ...base, colour: 'red' },
      { ...base, workload: { kind: 'allmagic', bytes: 1 } },
      { ...base, fabrics: ['infiniband'] },
      { ...base, workload: { kind: 'allreduce', bytes: '64 parsecs' } },
      { ...base, workload: { kind: 'allreduce', bytes: 1024, nccl: { NCCL_NET_GDR_LEVEL: 2 } } },
      { ...base, workload: { kind: 'permutation', bytes: 1024, nccl: { NCCL_ALGO: 'Ring' } } },
    ];
    for (const doc of bad) {
      expect(validate(doc), JSON.stringify(doc)).toBe(false);
      expect(() => validateSpec(doc)).toThrow();
    }
  });
});
