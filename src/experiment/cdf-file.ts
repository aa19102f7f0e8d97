import { excerpt, readUserFile, specFolder } from './read-user-file.js';
import { SpecError } from './spec-error.js';

/**
 * Reads a flow-size CDF file as the HPCC simulator's traffic generator writes them: one
 * "bytes cumulative%" pair per line, blank lines and # comments ignored. `path` is relative
 * to `baseDir` (the spec's folder) and may not leave it unless allowed (read-user-file.ts).
 */
export function readCdfFile(path: string, field: string, baseDir?: string): [number, number][] {
  const text = readUserFile(path, { field, baseDir });
  const points: [number, number][] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [bytes, percent, ...rest] = line.split(/[\s,]+/).map(Number);
    if (rest.length > 0 || !Number.isFinite(bytes) || !Number.isFinite(percent))
      throw new SpecError(`${field}: ${path} line ${i + 1}: expected "bytes cumulative%", got ${excerpt(line)}`);
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
    background.sizes = readCdfFile(sizes.file, field, specFolder(specPath));
  });
}
