/**
 * NCCL's own environment variables as aliases of a collective's knobs: `nccl: { NCCL_ALGO: Tree, ... }`
 * in a workload (or a job's collective) becomes `algorithm: tree, ...` before validation. A variable
 * fabsim does not model, a value it does not model, or a knob set both ways is an error.
 */

import { MAX_SIZE_BYTES } from './schema-primitives.js';

/** NCCL's MAXCHANNELS: the most channels `channels` and its NCCL aliases take. */
export const MAX_CHANNELS = 64;

/** NCCL_STEPS (NCCL src/include/device.h): the SIMPLE protocol's buffer is NCCL_BUFFSIZE split in 8 steps. */
export const NCCL_STEPS = 8;

/**
 * Steps per slice (NCCL src/include/collectives.h): what one network send carries is a slice,
 * ALLREDUCE/ALLGATHER/REDUCESCATTER_SLICESTEPS = NCCL_STEPS/4, BROADCAST_SLICESTEPS = 1.
 * All-to-all runs as NCCL send/recv, chunked by NCCL_P2P_NET_CHUNKSIZE instead.
 */
const SLICE_STEPS: Record<string, number> = { allreduce: NCCL_STEPS / 4, allgather: NCCL_STEPS / 4, reducescatter: NCCL_STEPS / 4, broadcast: 1 };

/** An error on one variable: the path inside `nccl` (the variable's name) and what is accepted. */
export class NcclAliasError extends Error {
  constructor(
    readonly variable: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const ALGORITHMS: Record<string, string> = { ring: 'ring', tree: 'tree' };
const PROTOCOLS: Record<string, string> = { simple: 'simple', ll128: 'll128', ll: 'll' };
/** The algorithms each collective kind runs in fabsim (NCCL: broadcast is ring only; all-to-all is point-to-point). */
const KIND_ALGORITHMS: Record<string, string[]> = { allreduce: ['ring', 'tree'], allgather: ['ring'], reducescatter: ['ring'], broadcast: ['ring'], alltoall: ['ring'] };
/** Kinds whose schema has an `algorithm` field (the others run NCCL's only algorithm for them). */
const HAS_ALGORITHM = new Set(['allreduce', 'allgather', 'reducescatter']);

export const NCCL_VARIABLES = [
  'NCCL_ALGO',
  'NCCL_PROTO',
  'NCCL_MIN_NCHANNELS',
  'NCCL_MAX_NCHANNELS',
  'NCCL_IB_QPS_PER_CONNECTION',
  'NCCL_IB_SPLIT_DATA_ON_QPS',
  'NCCL_BUFFSIZE',
  'NCCL_PXN_DISABLE',
] as const;
type Variable = (typeof NCCL_VARIABLES)[number];

/** Which variable sets each knob, to name it in a conflict. */
const VARIABLE_OF: Record<string, Variable> = {
  algorithm: 'NCCL_ALGO',
  protocol: 'NCCL_PROTO',
  minChannels: 'NCCL_MIN_NCHANNELS',
  maxChannels: 'NCCL_MAX_NCHANNELS',
  qpsPerConnection: 'NCCL_IB_QPS_PER_CONNECTION',
  chunkBytes: 'NCCL_BUFFSIZE',
  pxn: 'NCCL_PXN_DISABLE',
};

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));

/** An env value as NCCL reads it: a decimal integer, as a number or a string. */
function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new NcclAliasError(name, `expected an integer from ${min} to ${max.toLocaleString('en-US')}, got ${show(value)}`);
  return n;
}

function choice(name: string, value: unknown, table: Record<string, string>, accepted: string): string {
  const key = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const mapped = table[key];
  if (mapped === undefined) throw new NcclAliasError(name, `expected one of ${accepted} (fabsim models no other, nor lists or ^exclusions), got ${show(value)}`);
  return mapped;
}

/** The knobs `nccl` sets on a collective of `kind`; throws NcclAliasError. */
export function ncclKnobs(kind: string, nccl: unknown): Record<string, unknown> {
  if (nccl === null || typeof nccl !== 'object' || Array.isArray(nccl))
    throw new NcclAliasError(undefined, `expected an object of NCCL variables (${NCCL_VARIABLES.join(', ')}), got ${show(nccl)}`);
  const env = nccl as Record<string, unknown>;
  const unknown = Object.keys(env).find((k) => !(NCCL_VARIABLES as readonly string[]).includes(k));
  if (unknown !== undefined) throw new NcclAliasError(unknown, `not a variable fabsim models; it takes ${NCCL_VARIABLES.join(', ')}`);
  const has = (v: Variable) => env[v] !== undefined;
  const knobs: Record<string, unknown> = {};
  if (has('NCCL_ALGO')) {
    const algorithm = choice('NCCL_ALGO', env.NCCL_ALGO, ALGORITHMS, 'Ring, Tree');
    if (!(KIND_ALGORITHMS[kind] ?? []).includes(algorithm)) throw new NcclAliasError('NCCL_ALGO', `${kind} runs only as ${KIND_ALGORITHMS[kind]?.join(', ') ?? 'nothing'} in fabsim, got ${show(env.NCCL_ALGO)}`);
    if (HAS_ALGORITHM.has(kind)) knobs.algorithm = algorithm;
  }
  if (has('NCCL_PROTO')) knobs.protocol = choice('NCCL_PROTO', env.NCCL_PROTO, PROTOCOLS, 'Simple, LL128, LL');
  // Bounds on the default channel count, applied as NCCL does (collective.ts resolveChannels).
  if (has('NCCL_MIN_NCHANNELS')) knobs.minChannels = integer('NCCL_MIN_NCHANNELS', env.NCCL_MIN_NCHANNELS, 1, MAX_CHANNELS);
  if (has('NCCL_MAX_NCHANNELS')) knobs.maxChannels = integer('NCCL_MAX_NCHANNELS', env.NCCL_MAX_NCHANNELS, 1, MAX_CHANNELS);
  if (has('NCCL_IB_QPS_PER_CONNECTION')) knobs.qpsPerConnection = integer('NCCL_IB_QPS_PER_CONNECTION', env.NCCL_IB_QPS_PER_CONNECTION, 1, 128);
  if (has('NCCL_IB_SPLIT_DATA_ON_QPS') && integer('NCCL_IB_SPLIT_DATA_ON_QPS', env.NCCL_IB_SPLIT_DATA_ON_QPS, 0, 1) !== 0)
    throw new NcclAliasError('NCCL_IB_SPLIT_DATA_ON_QPS', `fabsim uses a connection's QPs round-robin, one message each (0); split mode is not modelled, got ${show(env.NCCL_IB_SPLIT_DATA_ON_QPS)}`);
  if (has('NCCL_BUFFSIZE')) {
    const buffBytes = integer('NCCL_BUFFSIZE', env.NCCL_BUFFSIZE, NCCL_STEPS, NCCL_STEPS * MAX_SIZE_BYTES);
    if (buffBytes % NCCL_STEPS !== 0) throw new NcclAliasError('NCCL_BUFFSIZE', `expected a multiple of NCCL_STEPS (${NCCL_STEPS}), got ${show(env.NCCL_BUFFSIZE)}`);
    const sliceSteps = SLICE_STEPS[kind];
    if (sliceSteps === undefined)
      throw new NcclAliasError('NCCL_BUFFSIZE', `${kind} runs as NCCL send/recv, whose chunk is NCCL_P2P_NET_CHUNKSIZE, not modelled as an alias; set chunkBytes`);
    knobs.chunkBytes = (buffBytes / NCCL_STEPS) * sliceSteps;
  }
  if (has('NCCL_PXN_DISABLE')) {
    const disable = integer('NCCL_PXN_DISABLE', env.NCCL_PXN_DISABLE, 0, 1);
    knobs.pxn = disable === 0;
  }
  return knobs;
}

/** A collective document with its `nccl` block replaced by the knobs; a knob set both ways is an error. */
export function expandNcclAliases(collective: Record<string, unknown>): Record<string, unknown> {
  if (!('nccl' in collective)) return collective;
  const { nccl, ...rest } = collective;
  const knobs = ncclKnobs(String(rest.kind), nccl);
  for (const [knob, value] of Object.entries(knobs)) {
    // The channel bounds apply to the default count only: with `channels` set they would say nothing.
    const clash = rest[knob] !== undefined ? knob : (knob === 'minChannels' || knob === 'maxChannels') && rest.channels !== undefined ? 'channels' : undefined;
    if (clash !== undefined)
      throw new NcclAliasError(VARIABLE_OF[knob], `sets ${knob} to ${show(value)} and the workload sets ${clash}: ${show(rest[clash])}; set it one way`);
  }
  return { ...rest, ...knobs };
}

/** `channels` with `minChannels`/`maxChannels`: the bounds apply to the default count only, so the two are exclusive. */
export function channelBoundsProblem(collective: Record<string, unknown>): string | undefined {
  if (collective.channels === undefined) return undefined;
  const bound = collective.minChannels !== undefined ? 'minChannels' : collective.maxChannels !== undefined ? 'maxChannels' : undefined;
  return bound && `${bound} bounds the default channel count (as NCCL_${bound === 'minChannels' ? 'MIN' : 'MAX'}_NCHANNELS), and channels: ${show(collective.channels)} sets it; set one`;
}

const COLLECTIVE_KINDS = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An issue on the spec document: where (a path) and what. */
export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

/**
 * `nccl:` at the top of a spec: the environment of every collective (the workloads' and the
 * jobs'), under the variables a collective sets in its own `nccl:`. Returns the document with
 * the block moved into the collectives, or an issue.
 */
export function spreadSpecNccl(doc: Record<string, unknown>): { doc: Record<string, unknown>; issue?: SpecIssue } {
  const { nccl, ...rest } = doc;
  if (!isObject(nccl)) return { doc: rest, issue: { path: ['nccl'], message: `expected an object of NCCL variables (${NCCL_VARIABLES.join(', ')}), got ${show(nccl)}` } };
  const unknown = Object.keys(nccl).find((k) => !(NCCL_VARIABLES as readonly string[]).includes(k));
  if (unknown !== undefined) return { doc: rest, issue: { path: ['nccl', unknown], message: `not a variable fabsim models; it takes ${NCCL_VARIABLES.join(', ')}` } };
  let applied = 0;
  const apply = (c: unknown): unknown => {
    if (!isObject(c) || !COLLECTIVE_KINDS.has(String(c.kind))) return c;
    applied++;
    return { ...c, nccl: isObject(c.nccl) ? { ...nccl, ...c.nccl } : (c.nccl ?? nccl) };
  };
  const each = (w: unknown): unknown =>
    isObject(w) && w.kind === 'jobs' && Array.isArray(w.jobs)
      ? { ...w, jobs: w.jobs.map((j) => (isObject(j) && Array.isArray(j.collectives) ? { ...j, collectives: j.collectives.map(apply) } : j)) }
      : apply(w);
  const workload = Array.isArray(rest.workload) ? rest.workload.map(each) : rest.workload === undefined ? undefined : each(rest.workload);
  const out = { ...rest, ...(workload === undefined ? {} : { workload }) };
  if (applied === 0 && workload !== undefined) return { doc: out, issue: { path: ['nccl'], message: 'the spec has no collective (allreduce, allgather, reducescatter, alltoall, broadcast) for NCCL variables to apply to' } };
  return { doc: out };
}
