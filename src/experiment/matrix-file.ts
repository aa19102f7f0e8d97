import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { MatrixSyntaxError, parseConnectionMatrix, type ConnectionMatrix } from '../workloads/index.js';
import { SpecError } from './load-spec.js';

/** Largest connection matrix read: ~1.5M connection lines (a 1,024-node all-to-all is 37 MB). */
export const MAX_MATRIX_FILE_BYTES = 64 * 2 ** 20;

/**
 * Reads a whole file of at most `maxBytes`, which must be a regular file (no FIFO, device or
 * directory, which could block or never end). Checked on the opened descriptor, so the file
 * measured is the file read. Errors are SpecErrors naming `field`, never the file's content.
 */
export function readBoundedTextFile(path: string, field: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new SpecError(`${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SpecError(`${field}: ${path} is not a regular file`);
    if (stat.size > maxBytes) throw new SpecError(`${field}: ${path} is ${stat.size} bytes, more than the ${maxBytes} accepted`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const text = buffer.subarray(0, read).toString('utf8');
    if (text.includes('\0')) throw new SpecError(`${field}: ${path} is not a text file`);
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses an htsim connection matrix; a bad line is a SpecError naming file and line. */
export function readMatrixFile(path: string, field = 'workload.file'): ConnectionMatrix {
  const text = readBoundedTextFile(path, field, MAX_MATRIX_FILE_BYTES);
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
    const path = isAbsolute(workload.file) ? workload.file : resolve(dirname(specPath), workload.file);
    readMatrixFile(path, `workload${list ? `.${i}` : ''}.file`);
    workload.file = path;
  });
}
