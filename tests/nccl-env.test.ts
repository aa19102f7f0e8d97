import { describe, expect, it } from 'vitest';
import { SpecError, validateSpec } from '../src/experiment/load-spec.js';
import { resolveChannels } from '../src/workloads/collectives/collective.js';
import { runFirst } from './helpers.js';

const spec = (workload: unknown) => ({
  name: 'n',
  topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 100 },
  fabrics: ['ethernet'],
  workload,
});
const error = (workload: unknown): string => {
  try {
    validateSpec(spec(workload));
  } catch (e) {
    if (e instanceof SpecError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('nccl: NCCL variables as aliases of the knobs', () => {
  it('maps each variable onto its knob; an all-reduce slice is NCCL_BUFFSIZE / NCCL_STEPS (8) × SLICESTEPS (2)', () => {
    const nccl = {
      NCCL_ALGO: 'Tree',
      NCCL_PROTO: 'LL128',
      NCCL_MIN_NCHANNELS: 4,
      NCCL_MAX_NCHANNELS: '4',
      NCCL_IB_QPS_PER_CONNECTION: 2,
      NCCL_IB_SPLIT_DATA_ON_QPS: 0,
      NCCL_BUFFSIZE: 4194304,
      NCCL_PXN_DISABLE: 1,
    };
    const [w] = validateSpec(spec({ kind: 'allreduce', bytes: 65536, nccl })).workload;
    expect(w).toMatchObject({ algorithm: 'tree', protocol: 'll128', minChannels: 4, maxChannels: 4, qpsPerConnection: 2, chunkBytes: (4194304 / 8) * 2, pxn: false });
    const [b] = validateSpec(spec({ kind: 'broadcast', bytes: 65536, nccl: { NCCL_BUFFSIZE: 4194304 } })).workload;
    expect(b).toMatchObject({ chunkBytes: 4194304 / 8 });
    expect(w).not.toHaveProperty('nccl');
  });

  it('is the same spec as the knobs written out, in a job collective too', () => {
    const job = (c: object) => ({ kind: 'jobs', jobs: [{ ranks: 4, collectives: [{ kind: 'allgather', bytes: 4096, ...c }] }] });
    expect(validateSpec(spec(job({ nccl: { NCCL_PROTO: 'simple', NCCL_PXN_DISABLE: '0' } }))).workload).toEqual(
      validateSpec(spec(job({ protocol: 'simple', pxn: true }))).workload,
    );
  });

  it('an unmodelled variable or value, a range of channels and a knob set both ways are one-line errors naming the variable', () => {
    expect(error({ kind: 'allreduce', bytes: 1024, nccl: { NCCL_NET_GDR_LEVEL: 2 } })).toMatch(/^workload\.nccl\.NCCL_NET_GDR_LEVEL: not a variable fabsim models; it takes NCCL_ALGO, NCCL_PROTO, .*NCCL_PXN_DISABLE$/);
    expect(error({ kind: 'allreduce', bytes: 1024, nccl: { NCCL_ALGO: 'NVLS' } })).toMatch(/^workload\.nccl\.NCCL_ALGO: expected one of Ring, Tree/);
    expect(error({ kind: 'allgather', bytes: 1024, nccl: { NCCL_ALGO: 'Tree' } })).toMatch(/^workload\.nccl\.NCCL_ALGO: allgather runs only as ring/);
    expect(error({ kind: 'allreduce', bytes: 1024, channels: 8, nccl: { NCCL_MIN_NCHANNELS: 4, NCCL_MAX_NCHANNELS: 16 } })).toBe(
      'workload.nccl.NCCL_MIN_NCHANNELS: sets minChannels to 4 and the workload sets channels: 8; set it one way',
    );
    expect(error({ kind: 'allreduce', bytes: 1024, channels: 8, maxChannels: 4 })).toMatch(/^workload\.maxChannels: maxChannels bounds the default channel count .* set one$/);
    expect(error({ kind: 'allreduce', bytes: 1024, nccl: { NCCL_IB_SPLIT_DATA_ON_QPS: 1 } })).toMatch(/^workload\.nccl\.NCCL_IB_SPLIT_DATA_ON_QPS: .*round-robin/);
    expect(error({ kind: 'allreduce', bytes: 1024, nccl: { NCCL_IB_QPS_PER_CONNECTION: 1000 } })).toBe(
      'workload.nccl.NCCL_IB_QPS_PER_CONNECTION: expected an integer from 1 to 128, got 1000',
    );
    expect(error({ kind: 'allreduce', bytes: 1024, nccl: { NCCL_BUFFSIZE: 1001 } })).toMatch(/^workload\.nccl\.NCCL_BUFFSIZE: expected a multiple of NCCL_STEPS \(8\)/);
    expect(error({ kind: 'permutation', bytes: 1024, nccl: { NCCL_ALGO: 'Ring' } })).toMatch(/^workload\.nccl: NCCL variables apply to collectives/);
    expect(error([{ kind: 'allreduce', bytes: 1024 }, { kind: 'broadcast', bytes: 1024, nccl: { NCCL_PROTO: 'LL9' } }])).toMatch(/^workload\.1\.nccl\.NCCL_PROTO: /);
  });
});

describe('NCCL_MIN/MAX_NCHANNELS: bounds on the default channel count', () => {
  it("follow ncclTopoPostset: max first, then min: max(min, min(max, default)); channels overrides", () => {
    expect(resolveChannels({}, 2)).toBe(2);
    expect(resolveChannels({ minChannels: 4, maxChannels: 16 }, 2)).toBe(4);
    expect(resolveChannels({ minChannels: 4, maxChannels: 16 }, 24)).toBe(16);
    expect(resolveChannels({ maxChannels: 1 }, 2)).toBe(1);
    expect(resolveChannels({ minChannels: 8, maxChannels: 4 }, 2)).toBe(8); // min wins, as NCCL duplicates channels up to it
    expect(resolveChannels({ channels: 3, minChannels: 8 }, 2)).toBe(3);
  });

  it('reach the collective: NCCL_MIN_NCHANNELS 4 over a default of 1 runs exactly as channels: 4', () => {
    const run = (w: object) => {
      const { wallMs: _w, workload: _l, ...r } = runFirst(
        validateSpec(spec({ kind: 'allreduce', bytes: '256KiB', ...w })),
      );
      return r;
    };
    const bounded = run({ nccl: { NCCL_MIN_NCHANNELS: 4, NCCL_MAX_NCHANNELS: 16 } });
    expect(bounded).toEqual(run({ channels: 4 }));
    expect(bounded).not.toEqual(run({}));
  });
});

describe('nccl: at the top of a spec', () => {
  it("is every collective's environment (the workloads' and the jobs'), under a collective's own variables", () => {
    const doc = {
      ...spec([]),
      nccl: { NCCL_PROTO: 'LL', NCCL_MAX_NCHANNELS: 2 },
      workload: [
        { kind: 'allreduce', bytes: 1024, nccl: { NCCL_PROTO: 'Simple' } },
        { kind: 'permutation', bytes: 1024 },
        { kind: 'jobs', jobs: [{ ranks: 2, collectives: [{ kind: 'broadcast', bytes: 1024 }] }] },
      ],
    };
    const [ar, perm, jobs] = validateSpec(doc).workload as Record<string, unknown>[];
    expect(ar).toMatchObject({ protocol: 'simple', maxChannels: 2 });
    expect(perm).toEqual({ kind: 'permutation', bytes: 1024 });
    expect((jobs as { jobs: { collectives: unknown[] }[] }).jobs[0]!.collectives[0]).toMatchObject({ protocol: 'll', maxChannels: 2 });
  });

  it('an unknown variable names the spec-level field; a spec without collectives is an error', () => {
    expect(error2({ nccl: { NCCL_FOO: 1 }, workload: { kind: 'allreduce', bytes: 1024 } })).toMatch(/^nccl\.NCCL_FOO: not a variable fabsim models/);
    expect(error2({ nccl: { NCCL_ALGO: 'Ring' }, workload: { kind: 'permutation', bytes: 1024 } })).toMatch(/^nccl: the spec has no collective/);
  });
});

function error2(over: object): string {
  try {
    validateSpec({ ...spec([]), ...over });
  } catch (e) {
    if (e instanceof SpecError) return e.message;
    throw e;
  }
  return 'no error';
}
