import { SpecError } from './load-spec.js';
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

const RANGE = /^\s*(\S+)\s*\.\.\s*(\S+)\s+([x+])\s*(\S+)\s*$/;

const asNumber = (text: string): number | undefined => parseSize(text) ?? (Number.isFinite(Number(text)) ? Number(text) : undefined);

/** The values of a sweep, in order; a range keeps the unit style of its start ("8KiB" → sizes). */
export function sweepValues(sweep: SweepSpec): (string | number)[] {
  const { values } = sweep;
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'string'))
    return values as (string | number)[];
  const m = typeof values === 'string' ? RANGE.exec(values) : null;
  const [from, to, step] = m ? [asNumber(m[1]!), asNumber(m[2]!), Number(m[4])] : [];
  if (!m || from === undefined || to === undefined || !Number.isFinite(step) || from > to || (m[3] === 'x' ? step! <= 1 : step! <= 0))
    throw new SpecError(`sweep.values: expected a non-empty list or a range like "8KiB..1GiB x2" or "1..16 +1", got ${JSON.stringify(values)}`);
  const sizes = /[KMGT]i?B|B$/.test(m[1]!);
  const out: (string | number)[] = [];
  for (let v = from; v <= to && out.length < 10_000; v = m[3] === 'x' ? v * step! : v + step!) out.push(sizes ? formatSize(v) : v);
  return out;
}

/** A copy of the spec document with `field` (a dot path, numbers index lists) set to `value`. */
export function withField(document: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(document);
  delete copy.sweep;
  const keys = field.split('.');
  let node: unknown = copy;
  for (const key of keys.slice(0, -1)) {
    node = (node as Record<string, unknown>)?.[key];
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
