import { dirname, resolve } from 'node:path';
import { MatrixSyntaxError, parseConnectionMatrix, type ConnectionMatrix } from '../workloads/index.js';
import { readUserFile } from './read-user-file.js';
import { SpecError } from './spec-error.js';

/** Largest connection matrix read: ~1.5M connection lines (a 1,024-node all-to-all is 37 MB). */
export const MAX_MATRIX_FILE_BYTES = 64 * 2 ** 20;

/** Reads and parses an htsim connection matrix; a bad line is a SpecError naming file and line. */
export function readMatrixFile(path: string, field = 'workload.file', baseDir?: string): ConnectionMatrix {
  const text = readUserFile(path, { field, baseDir, maxBytes: MAX_MATRIX_FILE_BYTES });
  try {
    return parseConnectionMatrix(text);
  } catch (error) {
    if (error instanceof MatrixSyntaxError) throw new SpecError(`${field}: ${path} ${error.message}`);
    throw error;
  }
}

/**
 * Resolves every `{ kind: matrix, file }` of a spec document against the spec's folder and
 * parses the file once, so a bad matrix fails before anything runs (one line, with its line
 * number). The spec keeps the resolved path; the workload reads it again per fabric.
 */
export function resolveMatrixFiles(document: Record<string, unknown>, specPath: string): void {
  const list = Array.isArray(document.workload);
  const workloads = list ? (document.workload as unknown[]) : [document.workload];
  workloads.forEach((w, i) => {
    const workload = w as { kind?: unknown; file?: unknown } | null | undefined;
    if (workload?.kind !== 'matrix' || typeof workload.file !== 'string') return;
    // Checked inside the spec's folder (read-user-file.ts); the run reads the resolved path.
    readMatrixFile(workload.file, `workload${list ? `.${i}` : ''}.file`, dirname(specPath));
    workload.file = resolve(dirname(specPath), workload.file);
  });
}
