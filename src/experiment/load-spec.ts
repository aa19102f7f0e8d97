import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { inlineCdfFiles } from './cdf-file.js';
import { resolveChakraFiles } from './chakra-files.js';
import { resolveMatrixFiles } from './matrix-file.js';
import { readUserFile } from './read-user-file.js';
import { resolveTopologyFile } from './topology-file.js';
import { showValue } from './schema-primitives.js';
import { SpecError } from './spec-error.js';
import { experimentSchema, type ExperimentSpec } from './spec.js';

export { SpecError } from './spec-error.js';

function valueAt(document: unknown, path: PropertyKey[]): unknown {
  let value = document;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown): string {
  // A single workload is validated as a list of one: name it as the user wrote it.
  const single = !Array.isArray((document as { workload?: unknown }).workload);
  const path = single && issue.path[0] === 'workload' && issue.path[1] === 0 ? ['workload', ...issue.path.slice(2)] : issue.path;
  issue = { ...issue, path } as z.core.$ZodIssue;
  const where = path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (where ? `${where}.${k}` : k));
    return `${keys.join(', ')}: unknown field`;
  }
  if (issue.code === 'invalid_type') {
    const value = valueAt(document, path);
    const expected = where === 'workload' ? 'a workload object or a list of them' : issue.expected;
    if (value === undefined) return `${where}: required, expected ${expected}`;
    // .inf/.nan: a ranged field's own message gives its range; others say "finite".
    if (typeof value === 'number') return `${where}: ${issue.message.startsWith('expected ') ? issue.message : `expected a finite number, got ${showValue(value)}`}`;
    return `${where}: expected ${expected}, got ${showValue(value)}`;
  }
  // Our own messages may already start with the field's path.
  if (!where || issue.message.startsWith(`${where}`)) return issue.message;
  return `${where}: ${issue.message}`;
}

/** Validates a parsed document; throws SpecError naming the first bad field. */
export function validateSpec(document: unknown): ExperimentSpec {
  const result = experimentSchema.safeParse(document);
  if (!result.success) throw new SpecError(describeIssue(result.error.issues[0]!, document));
  return result.data;
}

/** Reads and validates a YAML or JSON experiment spec. */
export function loadSpec(path: string): ExperimentSpec {
  return validateSpec(readSpecDocument(path));
}

/** Reads a YAML or JSON spec into a plain object, unvalidated (a sweep edits it per point). */
export function readSpecDocument(path: string): Record<string, unknown> {
  const text = readUserFile(path, { field: 'spec' });
  let document: unknown;
  try {
    document = parseYaml(text); // YAML is a superset of JSON
  } catch (error) {
    // The YAML reader reports a call-stack overflow on deep nesting as a parse error: the text may well be valid.
    const where = /Maximum call stack size exceeded(.*?)[:\n]/.exec((error as Error).message);
    if (error instanceof RangeError || where) throw new SpecError(`spec: ${path} nests too deeply for the YAML reader${where?.[1] ?? ''}; a spec needs only a few levels`);
    throw new SpecError(`spec: ${path} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw new SpecError(`spec: ${path} must hold an object with name, topology, fabrics and workload`);
  inlineCdfFiles(document as Record<string, unknown>, path);
  resolveMatrixFiles(document as Record<string, unknown>, path);
  resolveChakraFiles(document as Record<string, unknown>, path);
  resolveTopologyFile(document as Record<string, unknown>, path);
  return document as Record<string, unknown>;
}
