import { dirname, resolve } from 'node:path';
import { excerpt } from '../workloads/index.js';
import { SpecError } from './load-spec.js';
import { readBoundedTextFile } from './matrix-file.js';

/** A CDF file is a few hundred points; anything near this size is not one. */
const MAX_CDF_FILE_BYTES = 4 * 2 ** 20;

/**
 * Reads a flow-size CDF file as the HPCC simulator's traffic generator writes them: one
 * "bytes cumulative%" pair per line, blank lines and # comments ignored.
 */
export function readCdfFile(path: string, field: string): [number, number][] {
  const text = readBoundedTextFile(path, field, MAX_CDF_FILE_BYTES);
  const points: [number, number][] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [bytes, percent, ...rest] = line.split(/[\s,]+/).map(Number);
    if (rest.length > 0 || !Number.isFinite(bytes) || !Number.isFinite(percent))
      throw new SpecError(`${field}: ${path} line ${i + 1}: expected "bytes cumulative%", got ${excerpt(raw.trim())}`);
    points.push([bytes!, percent!]);
  });
  return points;
}

/**
 * Replaces every `background.sizes: { file }` of a spec document by the points of that file
 * (a path relative to the spec's folder), so the spec validates and the result echoes the
 * distribution that actually ran.
 */
export function inlineCdfFiles(document: Record<string, unknown>, specPath: string): void {
  const workloads = Array.isArray(document.workload) ? document.workload : [document.workload];
  workloads.forEach((w, i) => {
    const background = (w as { background?: { sizes?: unknown } } | undefined)?.background;
    const sizes = background?.sizes as { file?: unknown } | undefined;
    if (!background || sizes === null || typeof sizes !== 'object' || Array.isArray(sizes) || typeof sizes.file !== 'string') return;
    const field = `workload${Array.isArray(document.workload) ? `.${i}` : ''}.background.sizes.file`;
    background.sizes = readCdfFile(resolve(dirname(specPath), sizes.file), field);
  });
}
