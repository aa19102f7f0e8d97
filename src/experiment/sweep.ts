import { SpecError } from './spec-error.js';
import type { ExperimentResult } from './result.js';
import { formatSize, parseSize } from './sizes.js';

/** `sweep:` in a spec: one field (a dot path into the spec) and the values it takes. */
export interface SweepSpec {
  field: string;
  /** A list, or a range "8KiB..1GiB x2" (multiply) / "1..16 +1" (add). */
  values: unknown;
}

export interface SweepPoint {
  index: number;
  value: string | number;
  result: ExperimentResult;
}

export interface SweepResult {
  experiment: string;
  field: string;
  values: (string | number)[];
  /** Present when only some points ran (`--shard i/n`). */
  shard?: { index: number; count: number };
  points: SweepPoint[];
}

/** Points of one sweep at most: each is a whole run, and all are validated before any runs. */
export const MAX_SWEEP_POINTS = 10_000;

const RANGE = /^\s*(\S+)\s*\.\.\s*(\S+)\s+([x+])\s*(\S+)\s*$/;

const asNumber = (text: string): number | undefined => parseSize(text) ?? (Number.isFinite(Number(text)) ? Number(text) : undefined);

/** The values of a sweep, in order; a range keeps the unit style of its start ("8KiB" → sizes). */
export function sweepValues(sweep: SweepSpec): (string | number)[] {
  const { values } = sweep;
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'string')) {
    if (values.length > MAX_SWEEP_POINTS) throw new SpecError(`sweep.values: ${values.length} values, more than ${MAX_SWEEP_POINTS.toLocaleString('en-US')}, the limit`);
    return values as (string | number)[];
  }
  const m = typeof values === 'string' ? RANGE.exec(values) : null;
  const [from, to, step] = m ? [asNumber(m[1]!), asNumber(m[2]!), Number(m[4])] : [];
  if (!m || from === undefined || to === undefined || !Number.isFinite(step) || from > to || (m[3] === 'x' ? step! <= 1 : step! <= 0))
    throw new SpecError(`sweep.values: expected a non-empty list or a range like "8KiB..1GiB x2" or "1..16 +1", got ${JSON.stringify(values)}`);
  if (m[3] === 'x' && from! <= 0) throw new SpecError(`sweep.values: a multiplying range must start above 0, got ${JSON.stringify(values)}`);
  const sizes = /[KMGTP]i?B|B$/.test(m[1]!);
  const out: (string | number)[] = [];
  for (let v = from!; v <= to!; v = m[3] === 'x' ? v * step! : v + step!) {
    if (out.length === MAX_SWEEP_POINTS) throw new SpecError(`sweep.values: ${JSON.stringify(values)} gives more than ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points, the limit; use a larger step or a narrower range`);
    out.push(sizes ? formatSize(v) : v);
  }
  return out;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A copy of the spec document with `field` (a dot path, numbers index lists) set to `value`. */
export function withField(document: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(document);
  delete copy.sweep;
  const keys = field.split('.');
  // Only the spec's own fields: never a prototype (sweeping __proto__.x would set x on every object).
  const bad = keys.find((k) => k === '' || FORBIDDEN_KEYS.has(k));
  if (bad !== undefined) throw new SpecError(`sweep.field: "${field}" does not name a field of the spec ("${bad}" is not a field name)`);
  let node: unknown = copy;
  for (const key of keys.slice(0, -1)) {
    node = node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (node === null || typeof node !== 'object') throw new SpecError(`sweep.field: "${field}" does not name a field of the spec (no "${key}")`);
  }
  (node as Record<string, unknown>)[keys[keys.length - 1]!] = value;
  return copy;
}

/** The point indices shard `index` of `count` runs: every count-th one, so shards take similar time. */
export function shardIndices(points: number, index: number, count: number): number[] {
  return Array.from({ length: points }, (_, i) => i).filter((i) => i % count === index);
}

/** Joins shards of one sweep into the result the unsharded sweep gives. */
export function mergeSweeps(parts: SweepResult[]): SweepResult {
  const [first] = parts;
  if (!first) throw new SpecError('merge: no sweep results given');
  for (const p of parts)
    if (p.experiment !== first.experiment || p.field !== first.field || JSON.stringify(p.values) !== JSON.stringify(first.values))
      throw new SpecError(`merge: ${p.experiment}/${p.field} is not a shard of the same sweep as ${first.experiment}/${first.field}`);
  const byIndex = new Map<number, SweepPoint>();
  for (const p of parts) for (const point of p.points) byIndex.set(point.index, point);
  const missing = first.values.map((_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new SpecError(`merge: points ${missing.join(', ')} are in none of the shards`);
  return {
    experiment: first.experiment,
    field: first.field,
    values: first.values,
    points: [...byIndex.values()].sort((a, b) => a.index - b.index),
  };
}
